// JWT_SECRET_FILE: docker-compose.yml mounts a generated secret instead of writing one into the
// file, so production configuration must accept the secret from a file as well as from JWT_SECRET.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config.ts';

const folder = mkdtempSync(`${tmpdir()}/spendsense-secret-file-`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db.internal/spendsense' };

function secretFile(name: string, contents: string): string {
  const file = `${folder}/${name}`;
  writeFileSync(file, contents, { mode: 0o400 });
  return file;
}

describe('JWT_SECRET_FILE', () => {
  it('gives production its secret from the file, without the trailing newline', () => {
    const file = secretFile('secret', 'a-secret-read-from-a-mounted-file-0123\n');
    expect(loadConfig({ ...production, JWT_SECRET_FILE: file }).jwtSecret).toBe('a-secret-read-from-a-mounted-file-0123');
  });

  it('holds the file to the same 32-character minimum as JWT_SECRET', () => {
    const file = secretFile('short', `${'x'.repeat(31)}\n`);
    expect(() => loadConfig({ ...production, JWT_SECRET_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, JWT_SECRET_FILE: file })).toThrow('The secret in JWT_SECRET_FILE must be at least 32 characters');
  });

  it('refuses a file it cannot read, naming the path and the reason but not any secret', () => {
    const missing = `${folder}/absent`;
    expect(() => loadConfig({ ...production, JWT_SECRET_FILE: missing })).toThrow(`JWT_SECRET_FILE: cannot read ${missing} (ENOENT)`);
  });

  it('refuses JWT_SECRET and JWT_SECRET_FILE together rather than silently picking one', () => {
    const file = secretFile('both', 'a-secret-read-from-a-mounted-file-0123');
    const both = { ...production, JWT_SECRET_FILE: file, JWT_SECRET: 'another-secret-given-directly-0123456' };
    expect(() => loadConfig(both)).toThrow('JWT_SECRET and JWT_SECRET_FILE are both set');
  });

  it('still requires one of them in production, and says both names', () => {
    expect(() => loadConfig({ ...production, JWT_SECRET_FILE: '' })).toThrow('JWT_SECRET (or JWT_SECRET_FILE) is required in production');
  });
});
