// The statement import under measurement: 100,000 CSV rows through POST /v1/accounts/{id}/imports
// (target: under 2.5 s, issue 15), and a ~19.7 MiB file to watch the API's memory (target: flat).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export type ImportMeasurement = {
  rows: number;
  mib: number;
  seconds: number;
  created: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
};

const merchants = ['WHOLE FOODS MARKET', 'SHELL OIL', 'BLUE BOTTLE COFFEE', 'AMAZON MKTPLACE', 'UBER TRIP', 'NETFLIX.COM', 'TRADER JOES', 'CVS PHARMACY'];

/** A bank-like CSV: date, description, signed amount; distinct rows so none is a duplicate. */
function statement(rows: number): string {
  const lines = ['Date,Description,Amount'];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i += 1) {
    const date = new Date(start + (i % 900) * 86_400_000).toISOString().slice(0, 10);
    const cents = 100 + ((i * 7919) % 25_000);
    lines.push(`${date},"${merchants[i % merchants.length]} #${i} CARD PURCHASE",-${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One import of a generated statement of `rows` rows into a new account of the token's user, which is deleted afterwards. */
export async function importOnce(apiUrl: string, token: string, pid: number, rows: number): Promise<ImportMeasurement> {
  const auth = { authorization: `Bearer ${token}` };
  const account = (await (await fetch(`${apiUrl}/v1/accounts`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Bench import ${Date.now()}`, type: 'checking', currency: 'USD' }),
  })).json()) as { id: string };
  const file = `${tmpdir()}/spendsense-bench-import-${rows}.csv`;
  writeFileSync(file, statement(rows));
  const bytes = readFileSync(file);
  try {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/csv' }), 'statement.csv');
    const rssBefore = rssMiB(pid);
    let peak = rssBefore;
    let done = false;
    const watch = (async () => {
      while (!done) {
        peak = Math.max(peak, rssMiB(pid));
        await sleep(25);
      }
    })();
    const started = performance.now();
    const response = await fetch(`${apiUrl}/v1/accounts/${account.id}/imports`, { method: 'POST', headers: auth, body: form });
    const body = (await response.json()) as { created?: number };
    const seconds = (performance.now() - started) / 1000;
    done = true;
    await watch;
    if (response.status !== 201) throw new Error(`import answered ${response.status}: ${JSON.stringify(body)}`);
    return { rows, mib: bytes.length / 2 ** 20, seconds, created: body.created ?? 0, rssBeforeMiB: rssBefore, rssPeakMiB: peak };
  } finally {
    rmSync(file, { force: true });
    await fetch(`${apiUrl}/v1/accounts/${account.id}?cascade=true`, { method: 'DELETE', headers: auth });
  }
}

/** 100,000 rows for speed, then ~19.7 MiB (370,000 rows) for memory. */
export async function measureImports(apiUrl: string, token: string, pid: number): Promise<ImportMeasurement[]> {
  return [await importOnce(apiUrl, token, pid, 100_000), await importOnce(apiUrl, token, pid, 370_000)];
}
