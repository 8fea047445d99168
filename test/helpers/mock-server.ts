// The mock as `npm run mock` starts it (src/cli/mock.ts: Prism with the API's status choices), on a
// free port, on the bundled contract.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../../src/db/embedded.ts';
import { paths, projectRoot } from '../../src/paths.ts';

const startupTimeoutMs = 30_000;

export type MockServer = { baseUrl: string; stop: () => Promise<void> };

export async function startMock(document = paths.bundledSpecJson): Promise<MockServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Prism runs on the project's Node (node_modules/.bin/node), not whatever the machine has.
  const prism = spawn(`${projectRoot}node_modules/.bin/node`, ['src/cli/mock.ts', '--host', '127.0.0.1', '--port', String(port), document], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  prism.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  prism.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (prism.exitCode !== null || prism.signalCode !== null) return;
    const exited = once(prism, 'exit');
    prism.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + startupTimeoutMs;
  while (Date.now() < deadline) {
    if (prism.exitCode !== null) throw new Error(`the mock exited with ${prism.exitCode}:\n${output}`);
    try {
      await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return { baseUrl, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  await stop();
  throw new Error(`the mock did not answer within ${startupTimeoutMs} ms:\n${output}`);
}
