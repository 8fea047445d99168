// The real API as `npm start` runs it (node src/server.ts, embedded PostgreSQL in its own data
// directory) on an ephemeral port, so the docs are checked on a real origin that is not :8000.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServerProcess, stopLeftoverPostgres } from '../helpers/server-process.ts';

export type ApiServer = { origin: string; port: number; output: () => string; stop: () => Promise<void> };

/** `env` adds to the development settings (e.g. CORS_ORIGINS). */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const dataDir = mkdtempSync(`${tmpdir()}/spendsense-browser-`);
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as `postgres` when we are root
  const server = startServerProcess({ NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', ...env });
  const stop = async () => {
    server.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(resolve, 15_000, false)));
    const stopped = await Promise.race([server.exited.then(() => true), gaveUp]);
    clearTimeout(timer);
    if (!stopped) await server.kill();
    await stopLeftoverPostgres(`${dataDir}/postgres`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await server.listening(90_000);
    return { origin: `http://127.0.0.1:${port}`, port, output: server.output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
