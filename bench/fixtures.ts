// The run's fixtures (signed-in bench users and the ids the scenarios need, found through the
// API) and the scenarios themselves: what each one requests, as whom.
import type pg from 'pg';
import { benchPassword } from './data.ts';
import type { Scenario } from './scenarios.ts';

/** The description of every transaction a run creates, so the run can delete them again. */
export const createMarker = 'bench-run create';

type Json = Record<string, any>;

async function call(base: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
}

async function ok(base: string, path: string, token?: string, body?: unknown): Promise<Json> {
  const { status, json } = await call(base, path, token, body);
  if (status >= 300) throw new Error(`${body === undefined ? 'GET' : 'POST'} ${path} answered ${status}: ${JSON.stringify(json)}`);
  return json;
}

/** How many users the spread creates rotate over: one per connection of the default run. */
const spreadWriterCount = 32;

/**
 * bench-3 … bench-34, signed in, with their checking account and Coffee category: the creates
 * spread across users, each request the next user's (no account or aggregate row is shared).
 */
async function spreadWriters(owner: pg.Client, token: (email: string) => Promise<string>) {
  const emails = Array.from({ length: spreadWriterCount }, (_, index) => `bench-${index + 3}@example.com`);
  const { rows } = await owner.query<{ email: string; user_id: string; account_id: string; coffee: string }>(
    `select u.email, u.id as user_id,
       (select a.id from accounts a where a.user_id = u.id and a.type = 'checking' order by a.created_at, a.id limit 1) as account_id,
       (select c.id from categories c where c.user_id = u.id and c.name = 'Coffee' limit 1) as coffee
     from users u where u.email = any($1)`, [emails]);
  if (rows.length !== spreadWriterCount || rows.some((row) => !row.account_id || !row.coffee)) {
    throw new Error(`the seed lacks the ${spreadWriterCount} spread writers (bench-3 … bench-${spreadWriterCount + 2} with a checking account and Coffee): run npm run bench:seed`);
  }
  const tokens = await Promise.all(emails.map(token));
  return emails.map((email, index) => {
    const row = rows.find((found) => found.email === email)!;
    return { token: tokens[index]!, userId: row.user_id, account: row.account_id, coffee: row.coffee };
  });
}

/** Signs the bench users in and picks the ids the scenarios use. */
export async function fixtures(api: string, owner: pg.Client) {
  const token = async (email: string) => (await ok(api, '/v1/auth/token', undefined, { email, password: benchPassword })).access_token as string;
  const [heavy, light, writer] = await Promise.all([
    token('bench-heavy@example.com'), token('bench-1@example.com'), token('bench-2@example.com')]);
  const { rows: users } = await owner.query<{ email: string; id: string }>(
    `select email, id from users where email in ('bench-heavy@example.com', 'bench-2@example.com')`);
  const idOf = (email: string) => users.find((u) => u.email === email)!.id;
  const first = await ok(api, '/v1/transactions', heavy);
  let cursor = first.next_cursor as string;
  for (let page = 1; page < 20; page++) cursor = (await ok(api, `/v1/transactions?cursor=${cursor}`, heavy)).next_cursor as string;
  const budget = async (t: string) => ((await ok(api, '/v1/budgets?limit=200', t)).data as Json[]).find((b) => b.name === 'Eating out')!.id as string;
  const writerAccount = ((await ok(api, '/v1/accounts', writer)).data as Json[]).find((a) => a.type === 'checking')!.id as string;
  const coffee = ((await ok(api, '/v1/categories?limit=200', writer)).data as Json[]).find((c) => c.name === 'Coffee')!.id as string;
  const spread = await spreadWriters(owner, token);
  const { rows: [dates] } = await owner.query<{ today: string; from: string }>(
    `select current_date::text as today, ((current_date - interval '3 years')::date + 1)::text as from`);
  return {
    tokens: { heavy, light, writer },
    heavyUserId: idOf('bench-heavy@example.com'),
    writerUserId: idOf('bench-2@example.com'),
    transactionId: first.data[9].id as string,
    deepCursor: cursor,
    budgets: { heavy: await budget(heavy), light: await budget(light) },
    writerAccount,
    coffee,
    spread,
    /** Every user the create scenarios write to: their rows are removed after the run. */
    creatingUserIds: [idOf('bench-2@example.com'), ...spread.map((writer) => writer.userId)],
    today: dates!.today,
    from: dates!.from,
  };
}
export type Fixtures = Awaited<ReturnType<typeof fixtures>>;

/** from = the first day of the month after f.from, to = the last day of the month before today. */
function wholeMonths(f: Fixtures): string {
  const start = new Date(`${f.from.slice(0, 7)}-01T00:00:00Z`);
  start.setUTCMonth(start.getUTCMonth() + 1);
  const end = new Date(`${f.today.slice(0, 7)}-01T00:00:00Z`);
  end.setUTCDate(0);
  return `from=${start.toISOString().slice(0, 10)}&to=${end.toISOString().slice(0, 10)}`;
}

/** One transaction to create, the same for the API, the floor and the peer. */
function createBody(f: Fixtures, account = f.writerAccount, category = f.coffee) {
  return { account_id: account, date: f.today, amount: -475, description: createMarker, merchant: 'Blue Bottle Coffee', category_id: category };
}

/** The create again, each request as the next spread writer: `asWriter` names the caller as a server knows them. */
function spreadRotation(f: Fixtures, asWriter: (writer: Fixtures['spread'][number]) => Record<string, string>) {
  return f.spread.map((writer) => ({ headers: asWriter(writer), body: createBody(f, writer.account, writer.coffee) }));
}

export function apiScenarios(f: Fixtures): Scenario[] {
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const range = `from=${f.from}&to=${f.today}`;
  const whole = wholeMonths(f);
  const months = `from=${f.from.slice(0, 7)}&to=${f.today.slice(0, 7)}`;
  const create = createBody(f);
  const get = (id: string, name: string, path: string, token: string): Scenario => ({ id, name, server: 'api', method: 'GET', path, headers: auth(token) });
  return [
    get('list', 'list transactions, first page', '/v1/transactions', f.tokens.heavy),
    get('list-deep', 'list transactions, deep cursor (page 21)', `/v1/transactions?cursor=${f.deepCursor}`, f.tokens.heavy),
    get('get', 'get one transaction', `/v1/transactions/${f.transactionId}`, f.tokens.heavy),
    { id: 'create', name: 'create a transaction', server: 'api', method: 'POST', path: '/v1/transactions', headers: auth(f.tokens.writer), body: create },
    { id: 'create-idem', name: 'create with Idempotency-Key', server: 'api', method: 'POST', path: '/v1/transactions', headers: auth(f.tokens.writer), body: create, idempotencyKeys: true },
    { id: 'create-spread', name: 'create, spread over 32 users', server: 'api', method: 'POST', path: '/v1/transactions', headers: auth(f.tokens.writer), body: create,
      rotation: spreadRotation(f, (writer) => auth(writer.token)) },
    { id: 'create-idem-spread', name: 'create with Idempotency-Key, spread over 32 users', server: 'api', method: 'POST', path: '/v1/transactions', headers: auth(f.tokens.writer), body: create,
      idempotencyKeys: true, rotation: spreadRotation(f, (writer) => auth(writer.token)) },
    get('budget-light', 'budget status (light)', `/v1/budgets/${f.budgets.light}/status`, f.tokens.light),
    get('budget-heavy', 'budget status (heavy, 3-year rollover)', `/v1/budgets/${f.budgets.heavy}/status`, f.tokens.heavy),
    // The multi-year report as a UI asks for it: whole calendar months (36 of them).
    get('spending-light', 'spending report, whole months (light)', `/v1/reports/spending?${whole}&group_by=category`, f.tokens.light),
    get('spending-heavy', 'spending report, whole months (heavy)', `/v1/reports/spending?${whole}&group_by=category`, f.tokens.heavy),
    // Arbitrary days: the partial months at each end are read from the transactions.
    get('spending-light-days', 'spending report, arbitrary days (light)', `/v1/reports/spending?${range}&group_by=category`, f.tokens.light),
    get('spending-heavy-days', 'spending report, arbitrary days (heavy)', `/v1/reports/spending?${range}&group_by=category`, f.tokens.heavy),
    get('cash-flow', 'cash flow (heavy)', `/v1/reports/cash-flow?${months}`, f.tokens.heavy),
    // Insights over the heavy user's whole history: computed once per ledger revision (the warm-up
    // pays it), then answered from memory. The target is p50 < 20 ms.
    { ...get('insights-forecast', 'forecast, 3 months by category (heavy)', '/v1/insights/forecast?months=3&group_by=category', f.tokens.heavy), latencyTargetMs: 20 },
    { ...get('insights-anomalies', 'anomalies, last 90 days (heavy)', '/v1/insights/anomalies', f.tokens.heavy), latencyTargetMs: 20 },
    { ...get('insights-recurring', 'recurring streams (heavy)', '/v1/insights/recurring', f.tokens.heavy), latencyTargetMs: 20 },
  ];
}

/** The list and the create again, for the API started with METRICS_PORT=off: the metrics' cost is the ratio (report.ts). */
export function metricsOffScenarios(f: Fixtures): Scenario[] {
  const byId = new Map(apiScenarios(f).map((scenario) => [scenario.id, scenario]));
  return ['list', 'create'].map((id) => {
    const scenario = byId.get(id)!;
    return { ...scenario, id: `${id}-metrics-off`, name: `${scenario.name} (metrics off)` };
  });
}

export function floorScenarios(f: Fixtures): Scenario[] {
  const as = (userId: string) => ({ 'x-user-id': userId });
  return [
    { id: 'floor-list', name: 'floor: list first page', server: 'floor', method: 'GET', path: '/transactions', headers: as(f.heavyUserId) },
    { id: 'floor-create', name: 'floor: create', server: 'floor', method: 'POST', path: '/transactions', headers: as(f.writerUserId),
      body: createBody(f) },
    { id: 'floor-create-spread', name: 'floor: create, spread over 32 users', server: 'floor', method: 'POST', path: '/transactions', headers: as(f.writerUserId),
      body: createBody(f), rotation: spreadRotation(f, (writer) => as(writer.userId)) },
    { id: 'floor-naive', name: 'floor: naive spending scan (heavy)', server: 'floor', method: 'GET',
      path: `/reports/spending?${wholeMonths(f)}`, headers: as(f.heavyUserId) },
  ];
}

/**
 * The floor's three scenarios against the FastAPI peer (bench/peer/app.py): the same paths, users
 * and body, on the plain schema, which holds the same rows under the same ids.
 */
export function peerScenarios(f: Fixtures): Scenario[] {
  return floorScenarios(f).map((scenario) => ({
    ...scenario,
    id: scenario.id.replace(/^floor-/, 'peer-'),
    name: scenario.name.replace(/^floor: /, 'FastAPI peer: '),
    server: 'peer',
  }));
}
