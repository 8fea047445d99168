// The README's first session, run as written (bash, curl, node) against the real app listening on
// an ephemeral port: every field its `# →` lines promise must be in the answers it prints.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../src/paths.ts';
import { listenOnLoopback, startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let listening: Awaited<ReturnType<typeof listenOnLoopback>>;
let api: string;
beforeAll(async () => {
  t = await startTestApp();
  listening = await listenOnLoopback(t.app);
  api = listening.origin;
});
afterAll(async () => {
  await listening.close();
  await t.close();
});

/** The shell block that follows the README's "A first session" paragraph. */
function firstSessionBlock(): string {
  const readme = readFileSync(`${projectRoot}README.md`, 'utf8');
  const after = readme.slice(readme.indexOf('A first session'));
  const block = /```sh\n([\s\S]*?)```/.exec(after);
  if (!block) throw new Error('README: no sh block after "A first session"');
  return block[1]!;
}

/** The `"key":value` pairs an expected-output line names outright (not the elided "…" ones). */
function promisedFields(line: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [, key, value] of line.matchAll(/"([a-z_]+)":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g)) {
    if (value !== '"…"') fields[key!] = JSON.parse(value!);
  }
  return fields;
}

describe('README', () => {
  it('runs its first session verbatim and prints what it promises', async () => {
    const block = firstSessionBlock();
    const promises = block.split('\n').filter((line) => line.startsWith('# →')).map(promisedFields);
    expect(promises.length).toBeGreaterThan(0);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block], {
      env: { PATH: `${projectRoot}node_modules/.bin:${process.env.PATH}`, API: api, HOME: process.env.HOME ?? '/tmp' },
      timeout: 30_000,
    });
    const answers = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answers).toHaveLength(promises.length);
    promises.forEach((fields, index) => expect(answers[index]).toMatchObject(fields));
  });
});
