// Child processes of a run: the API (production build), the floor and the FastAPI peer, with their logs in .data/.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../src/db/embedded.ts';
import { paths, projectRoot } from '../src/paths.ts';
import { peerPython } from './peer/runtime.ts';

/** `readyMs`: from the spawn to the first 200 on its ready path (start-up, measured to 25 ms). */
export type Service = { name: string; url: string; logFile: string; child: ChildProcess; readyMs: number; stop: () => Promise<void> };

async function waitUntilReady(name: string, child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(25);
  }
  const log = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(`${name} did not become ready at ${url} (exit code ${child.exitCode}); end of ${logFile}:\n${log}`);
}

/** Starts `command` with PORT set to a free port and waits until `readyPath` answers 200. */
async function startService(name: string, command: [string, ...string[]], env: Record<string, string>, readyPath: string): Promise<Service> {
  const port = await freePort();
  const logFile = `${paths.dataDir}/bench-${name}.log`;
  const log = openSync(logFile, 'w');
  const [executable, ...args] = command;
  const spawnedAt = performance.now();
  const child = spawn(executable, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilReady(name, child, `${url}${readyPath}`, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, logFile, child, readyMs: performance.now() - spawnedAt, stop };
}

/**
 * The image's command (the Dockerfile's last CMD, exec form): the API is benchmarked with the
 * node flags production runs with, the heap sizing among them.
 */
export function imageCommand(): string[] {
  const lines = readFileSync(`${projectRoot}/Dockerfile`, 'utf8').split('\n');
  // The last CMD of all, so a runtime CMD rewritten in another form fails here instead of the
  // bench quietly starting an earlier stage's (the mock's).
  const cmd = lines.filter((line) => line.startsWith('CMD')).at(-1);
  if (!cmd?.startsWith('CMD [') || !cmd.trimEnd().endsWith(']')) throw new Error(`the Dockerfile's last CMD is not a one-line exec form: ${cmd}`);
  return JSON.parse(cmd.slice('CMD'.length)) as string[];
}

/**
 * The API as the image runs it (`imageCommand`; no OTLP endpoint, so tracing stays off), without rate limits. `metrics: false` is METRICS_PORT=off:
 * the reference the metrics' cost is measured against. With them on, the endpoint is on a free port.
 */
export async function startApi(options: { databaseUrl: string; jwtSecret: string; webConcurrency: number; metrics?: boolean }): Promise<Service> {
  const metrics = options.metrics ?? true;
  const name = `${options.webConcurrency === 1 ? 'api' : `api-${options.webConcurrency}-workers`}${metrics ? '' : '-metrics-off'}`;
  const [program, ...args] = imageCommand();
  if (program !== 'node') throw new Error(`the image's CMD starts ${program}, not node`);
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${paths.dataDir}/bench-profiles`] : [];
  return startService(name, [process.execPath, ...profile, ...args], {
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: options.jwtSecret,
    JWT_TTL_SECONDS: '86400',
    LOG_LEVEL: 'warn',
    WEB_CONCURRENCY: String(options.webConcurrency),
    RATE_LIMITS: 'off',
    // Tracing off whatever the shell says: the run measures the API, not an OTLP collector.
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    METRICS_PORT: metrics ? String(await freePort()) : 'off',
  }, '/readyz');
}

export function startFloor(databaseUrl: string): Promise<Service> {
  return startService('floor', [process.execPath, 'bench/floor.ts'], { DATABASE_URL: databaseUrl }, '/healthz');
}

/** The FastAPI peer (bench/peer/app.py): one uvicorn process, as the API and the floor are one process each. */
export function startPeer(databaseUrl: string): Promise<Service> {
  return startService('peer', [peerPython, 'bench/peer/app.py'], { DATABASE_URL: databaseUrl, PYTHONUNBUFFERED: '1' }, '/healthz');
}

/** How many lines of a service's log are errors: pino level error (50) or above, or Python logging's ERROR/CRITICAL. */
export function errorLines(service: Service): number {
  return readFileSync(service.logFile, 'utf8').split('\n').filter((line) => /"level":(5|6)\d|^(ERROR|CRITICAL):/.test(line)).length;
}
