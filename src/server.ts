// First, before any module that needs Node 24: refuses an older Node with one log line.
import './node-version.ts';
import cluster, { type Worker } from 'node:cluster';
import { pino, type Logger } from 'pino';
import { createApp } from './app.ts';
import { ConfigError, loadConfig, loadHttpTimeouts, type Config, type HttpTimeouts } from './config.ts';
import { EmbeddedPostgresError, ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createDatabasePool } from './db/pool.ts';
import { readOnlySessions } from './db/read-replica.ts';
import { assertPortFree, createHttpServer, listen, ListenError } from './http-server.ts';
import { exportMetricsToPrimary, startMetricsServer } from './observability/metrics-server.ts';
import { observePools } from './observability/pool-metrics.ts';
import { stopTracing } from './observability/tracing-sdk.ts';
import { removeStaleUploads } from './upload-directory.ts';

const shutdownGraceMs = 25_000; // ECS waits 30 s between SIGTERM and SIGKILL.

type Stop = () => Promise<void>;

/**
 * What to stop on the way out, the last started first: the HTTP server drains its requests before
 * the pools close and PostgreSQL stops. Listens for the signals from the very start, so Ctrl-C
 * during start-up stops what has started so far.
 */
function shutdownOnSignals(logger: Logger) {
  const steps: Stop[] = [];
  let stopping: Promise<void> | undefined;
  const stopStarted = () =>
    (stopping ??= (async () => {
      for (const step of steps) await step();
    })());
  const run = (exitCode: number, fields: Record<string, unknown>) => {
    if (stopping) return;
    logger.info(fields, 'shutting down');
    stopStarted().then(
      () => {
        logger.info('stopped');
        process.exit(exitCode);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => run(0, { signal }));
  return { add: (step: Stop) => void steps.unshift(step), run, stopStarted };
}
type Shutdown = ReturnType<typeof shutdownOnSignals>;

/** The database to use: DATABASE_URL, or an embedded PostgreSQL kept in <DATA_DIR>/postgres. */
async function prepareDatabase(config: Config, logger: Logger, shutdown: Shutdown): Promise<string> {
  if (config.databaseUrl) {
    // Off in production: the login there cannot change the schema; a migrate task runs as the owner.
    if (!config.migrateOnStart) logger.info('migrations not applied at start (MIGRATE_ON_START=false): run dist/cli/migrate.js');
    else logger.info({ applied: await migrate(config.databaseUrl) }, 'migrations applied');
    return config.databaseUrl;
  }
  const startedAt = Date.now();
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ directory: `${config.dataDir}/postgres`, persistent: true, handleSignals: false });
  shutdown.add(embedded.stop);
  const url = await ensureDatabase(embedded.url, 'spendsense');
  const applied = await migrate(url);
  logger.info({ applied, ms: Date.now() - startedAt, dataDir: config.dataDir }, 'embedded PostgreSQL ready');
  return url;
}

/** One HTTP server process; resolves once it listens, with the drain and pool closing added to `shutdown`. */
async function serve(config: Config, timeouts: HttpTimeouts, databaseUrl: string, logger: Logger, shutdown: Shutdown): Promise<void> {
  const removed = await removeStaleUploads();
  if (removed.length) logger.info({ removed }, 'removed uploads left by processes that ended mid-upload');
  // Public operations (sign-up, sign-in, probes) are few: a small pool; the rest is the users'.
  const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 3 });
  const userPool = await createDatabasePool(databaseUrl, { maximumPoolSize: config.databasePoolSize });
  // Reports and insights may read from a replica (src/db/read-replica.ts); its sessions refuse writes.
  const readUrl = config.databaseReadUrl;
  const replicaPool = readUrl ? await createDatabasePool(readOnlySessions(readUrl), { maximumPoolSize: config.databasePoolSize }) : undefined;
  if (readUrl) logger.info({ replica: new URL(readUrl).host }, 'reports and insights read from a replica');
  const closePools = async () => void (await Promise.all([pool.end(), userPool.end(), replicaPool?.end()]));
  shutdown.add(closePools);
  observePools({ public: pool, users: userPool, ...(replicaPool ? { replica: replicaPool } : {}) });
  const app = await createApp({ config, pool, userPool, replicaPool, logger });
  const http = createHttpServer(app, timeouts, logger);
  const port = await listen(http.server, config.port);
  shutdown.add(() => http.drain(shutdownGraceMs));
  logger.info({ port }, 'listening');
}

/** Cluster mode: this primary owns the database and migrations; workers share the port. */
function runWorkers(config: Config, databaseUrl: string, logger: Logger, shutdown: Shutdown): void {
  const listened = new Set<number>();
  let stopping = false;
  const fork = () => cluster.fork({ DATABASE_URL: databaseUrl });
  cluster.on('listening', (worker: Worker) => listened.add(worker.id));
  cluster.on('exit', (worker: Worker, code: number) => {
    if (stopping) return;
    if (!listened.has(worker.id)) {
      // Its own log line says why; replacing it would only fail the same way, forever.
      logger.fatal({ workerPid: worker.process.pid, code }, 'A worker could not start (see its log line above); stopping.');
      shutdown.run(1, { reason: 'worker failed to start' });
      return;
    }
    logger.error({ workerPid: worker.process.pid, code }, 'worker died; replacing it');
    fork();
  });
  for (let index = 0; index < config.webConcurrency; index += 1) fork();
  shutdown.add(async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
    await Promise.all(alive.map((worker) => new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.process.kill('SIGTERM');
    })));
  });
}

/** One JSON line saying what went wrong and why, then exit 1: the start-up failure's whole report. */
function reportStartupFailure(error: unknown): never {
  const logger = pino({ base: { pid: process.pid } });
  if (error instanceof ConfigError) logger.fatal({ err: error }, `Invalid configuration: ${error.message}`);
  else if (error instanceof EmbeddedPostgresError || error instanceof ListenError) logger.fatal({ err: error.cause ?? error }, error.message);
  else logger.fatal({ err: error }, `SpendSense did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const timeouts = loadHttpTimeouts();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  const shutdown = shutdownOnSignals(logger);
  // The last step: the spans of the requests drained before it are flushed (tracing.ts started it, or nothing did).
  shutdown.add(() => stopTracing());
  try {
    if (cluster.isWorker) {
      if (config.metricsPort !== null) exportMetricsToPrimary();
      await serve(config, timeouts, process.env.DATABASE_URL ?? '', logger, shutdown);
      return;
    }
    await assertPortFree(config.port);
    // Up before the database and down after it: it reports the start-up and the drain. A cluster's primary serves its workers' series.
    if (config.metricsPort !== null) {
      const metrics = await startMetricsServer(config.metricsPort, { logger, aggregateWorkers: config.webConcurrency > 1 });
      shutdown.add(metrics.stop);
    }
    const databaseUrl = await prepareDatabase(config, logger, shutdown);
    if (config.webConcurrency === 1) await serve(config, timeouts, databaseUrl, logger, shutdown);
    else runWorkers(config, databaseUrl, logger, shutdown);
  } catch (error) {
    // Stop what did start (the pools, the embedded PostgreSQL) before saying why and exiting.
    await shutdown.stopStarted().catch(() => undefined);
    throw error;
  }
}

main().catch(reportStartupFailure);
