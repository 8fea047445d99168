// The real server as a child process (as `npm start` runs it), for what only a process shows:
// signals, exit codes, start-up failures, and Node's HTTP layer below express.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { projectRoot } from '../../src/paths.ts';

export type LogLine = Record<string, unknown> & { level: number; msg: string };
export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export type ServerProcess = {
  child: ChildProcess;
  /** Every JSON line the process wrote to stdout, in order. */
  logs: LogLine[];
  /** Everything it wrote, JSON or not, stdout and stderr. */
  output: () => string;
  exited: Promise<Exit>;
  /** Resolves with the port once the process logs that it listens; rejects if it exits first. */
  listening: (timeoutMs?: number) => Promise<number>;
  waitForLog: (matches: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>;
  /** SIGKILL if still running: test clean-up only. */
  kill: () => Promise<void>;
};

export const projectNode = `${projectRoot}node_modules/.bin/node`;
export const testJwtSecret = 'server-lifecycle-test-secret-0123456789';

/** Development-like settings without DATABASE_URL: the caller adds what the case needs. */
function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: process.env.LANG ?? 'C.UTF-8',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    JWT_SECRET: testJwtSecret,
    PORT: '0',
    // Any free port: servers run side by side, and the default 9464 would be taken by the first.
    METRICS_PORT: '0',
  };
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string, output: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function startServerProcess(
  env: Record<string, string>,
  options: { node?: string; args?: string[]; cwd?: string; uid?: number; gid?: number } = {},
): ServerProcess {
  // As `npm start` runs it: tracing.ts first (it does nothing without an OTLP endpoint).
  const child = spawn(options.node ?? projectNode, options.args ?? ['--import', './src/observability/tracing.ts', 'src/server.ts'], {
    cwd: options.cwd ?? projectRoot,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const watchers = new Set<() => void>();
  let text = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log line: kept in output() for the assertion messages.
      }
    }
    for (const watcher of watchers) watcher();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const output = () => text;
  // 'close' comes once stdout and stderr are drained too, so every line is in by then.
  let exitedAt = 0;
  child.once('exit', () => {
    exitedAt = performance.now();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, at: exitedAt }));
  });

  const waitForLog = (matches: (line: LogLine) => boolean, timeoutMs = 30_000) => {
    const found = new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const line = logs.find(matches);
        if (line) {
          watchers.delete(check);
          resolve(line);
        }
      };
      watchers.add(check);
      check();
      void exited.then((exit) => {
        check();
        if (watchers.delete(check)) reject(new Error(`exited (${JSON.stringify(exit)}) first; output:\n${text}`));
      });
    });
    return within(found, timeoutMs, 'a log line', output);
  };

  return {
    child,
    logs,
    output,
    exited,
    waitForLog,
    listening: async (timeoutMs = 30_000) => Number((await waitForLog((line) => line.msg === 'listening', timeoutMs)).port),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * One TCP connection to the server, written to byte by byte as the test likes; answers are read
 * as HTTP/1.1 messages with a Content-Length (all this API sends when it is not streaming).
 */
export class RawConnection {
  readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private readonly waiting = new Set<() => void>();
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (const wake of this.waiting) wake();
    });
    // A reset after the answer is how some servers end; the test only cares what arrived.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const wake of this.waiting) wake();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (error) => (error ? reject(error) : resolve())));
  }

  private parse(): RawResponse | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...headerLines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  /** The next complete answer on this connection. */
  response(timeoutMs = 10_000): Promise<RawResponse> {
    const answer = new Promise<RawResponse>((resolve, reject) => {
      const check = () => {
        const parsed = this.parse();
        if (parsed) {
          this.waiting.delete(check);
          resolve(parsed);
        } else if (this.socket.destroyed || this.socket.readableEnded) {
          this.waiting.delete(check);
          reject(new Error(`connection closed before an answer; received: ${JSON.stringify(this.buffer.toString('latin1'))}`));
        }
      };
      this.waiting.add(check);
      check();
    });
    return within(answer, timeoutMs, 'an HTTP answer', () => this.buffer.toString('latin1'));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A plain HTTP/1.1 request's head (the caller writes the body, all at once or in pieces). */
export function requestHead(method: string, path: string, headers: Record<string, string | number> = {}): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID in a PostgreSQL data directory's postmaster.pid (its first line), if the file is there. */
export function postmasterPid(directory: string): number | undefined {
  try {
    return Number(readFileSync(`${directory}/postmaster.pid`, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/** Clean-up after a failed case: a PostgreSQL still running in `directory` is stopped (fast shutdown). */
export async function stopLeftoverPostgres(directory: string): Promise<void> {
  const pid = postmasterPid(directory);
  if (pid === undefined || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 100) await sleep(100);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
