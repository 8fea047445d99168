import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { createApp } from './app.ts';
import { loadConfig, type Config } from './config.ts';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { createDatabasePool } from './db/pool.ts';

const shutdownGraceMs = 25_000; // ECS waits 30 s between SIGTERM and SIGKILL.

/** The database to use: DATABASE_URL, or an embedded PostgreSQL kept in .data/postgres. */
async function prepareDatabase(config: Config, logger: Logger): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) {
    const applied = await migrate(config.databaseUrl);
    logger.info({ applied }, 'migrations applied');
    return { url: config.databaseUrl };
  }
  const startedAt = Date.now();
  const embedded = await startEmbeddedPostgres({ directory: `${config.dataDir}/postgres`, persistent: true });
  const url = await ensureDatabase(embedded.url, 'spendsense');
  const applied = await migrate(url);
  logger.info({ applied, ms: Date.now() - startedAt, dataDir: config.dataDir }, 'embedded PostgreSQL ready');
  return { url, embedded };
}

/** One HTTP server process; resolves once it listens. Returns a function that drains and closes it. */
async function serve(config: Config, databaseUrl: string, logger: Logger): Promise<() => Promise<void>> {
  // Public operations (sign-up, sign-in, probes) are few: a small pool; the rest is the users'.
  const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 3 });
  const userPool = await createDatabasePool(databaseUrl, { maximumPoolSize: config.databasePoolSize });
  const app = await createApp({ config, pool, userPool, logger });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(config.port, () => resolve(listening));
  });
  server.keepAliveTimeout = 65_000; // longer than the ALB's 60 s idle timeout
  logger.info({ port: config.port, pid: process.pid }, 'listening');
  return async () => {
    // Stop accepting, let in-flight requests finish, then close the pool.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), shutdownGraceMs).unref();
    await closed;
    clearTimeout(timer);
    await Promise.all([pool.end(), userPool.end()]);
  };
}

function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });

  if (cluster.isWorker) {
    const stop = await serve(config, process.env.DATABASE_URL ?? '', logger);
    onShutdownSignal(logger, stop);
    return;
  }

  const database = await prepareDatabase(config, logger);
  if (config.webConcurrency === 1) {
    const stop = await serve(config, database.url, logger);
    onShutdownSignal(logger, async () => {
      await stop();
      await database.embedded?.stop();
    });
    return;
  }

  // Cluster mode: the primary owns the database and migrations; workers share the port.
  const workers = Array.from({ length: config.webConcurrency }, () => cluster.fork({ DATABASE_URL: database.url }));
  let stopping = false;
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code }, 'worker died; replacing it');
    workers.push(cluster.fork({ DATABASE_URL: database.url }));
  });
  onShutdownSignal(logger, async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    await Promise.all(alive.map((worker) => new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.process.kill('SIGTERM');
    })));
    await database.embedded?.stop();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
