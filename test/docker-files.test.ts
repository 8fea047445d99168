// What must hold in the Dockerfile and docker-compose.yml, read as Docker and Compose read them.
// No Docker engine runs here (and hadolint is not packaged for Debian), so these are the checks
// that matter: nothing secret in the files or the build context, the image non-root, in production,
// healthy only when ready, every COPY source present, every program a CMD names produced by the
// build; compose a faithful copy of production (generated JWT secret, migrations as the owner
// before the API starts as the application login). test/runtime-image.test.ts runs the image.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { loadConfig } from '../src/config.ts';
import { projectRoot } from '../src/paths.ts';
import { contextHas, inBuildContext } from './helpers/build-context.ts';
import { copies, envPairs, execForm, parseDockerfile, stageNamed, valuesOf, type Stage } from './helpers/dockerfile.ts';

const execFileAsync = promisify(execFile);

const stages = parseDockerfile();
const runtime = stageNamed(stages, 'runtime');

/** A stage's instructions with those of the stages it is built FROM first, as the image has them. */
function lineage(stage: Stage): Stage[] {
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return parent ? [...lineage(parent), stage] : [stage];
}
const runtimeEnv = Object.assign({}, ...lineage(runtime).flatMap((stage) => valuesOf(stage, 'ENV').map((env) => envPairs(env.args)))) as Record<string, string>;

/** `dist/cli/migrate.js` → `src/cli/migrate.ts`: what tsc -p tsconfig.build.json (src → dist) compiles it from. */
function compiledFrom(distFile: string): string {
  return distFile.replace(/^(\.\/)?dist\//, 'src/').replace(/\.js$/, '.ts');
}

type Service = {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
};
const compose = YAML.parse(readFileSync(`${projectRoot}docker-compose.yml`, 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { api, db, migrate, mock } = compose.services as Record<'api' | 'db' | 'migrate' | 'mock', Service>;
const jwtSecretService = compose.services['jwt-secret']!;

describe('Dockerfile', () => {
  it('builds every stage on Node 24, the version package.json requires', () => {
    const external = stages.filter((stage) => !stages.some((other) => other.name === stage.from)).map((stage) => stage.from);
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) expect(image).toMatch(/^node:24-/);
  });

  it('copies only sources that exist in the repository and reach the build context', () => {
    const missing = stages.flatMap((stage) =>
      copies(stage)
        .filter((copy) => copy.from === undefined)
        .flatMap((copy) => copy.sources.filter((source) => !contextHas(source)).map((source) => `${stage.name}: COPY ${source} (line ${copy.line})`)),
    );
    expect(missing).toEqual([]);
  });

  it('copies from earlier stages only', () => {
    for (const [index, stage] of stages.entries()) {
      for (const copy of copies(stage).filter((candidate) => candidate.from !== undefined)) {
        expect({ copy: copy.line, from: stages.slice(0, index).some((earlier) => earlier.name === copy.from) }).toEqual({ copy: copy.line, from: true });
      }
    }
  });

  it('keeps secrets and local state out of the build context', () => {
    for (const path of ['.env', '.env.production', 'src/.env.local', '.data/jwt-secret', '.data/postgres/PG_VERSION', '.git/config', 'node_modules/pg/package.json', 'deploy/cdk.out/x']) {
      expect({ path, sent: inBuildContext(path) }).toEqual({ path, sent: false });
    }
    expect(inBuildContext('src/server.ts')).toBe(true);
  });

  it('runs the runtime stage as a user other than root', () => {
    const users = lineage(runtime).flatMap((stage) => valuesOf(stage, 'USER')).map((user) => user.args.trim());
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('runs the runtime stage in production, on the ports it exposes (8000, metrics 9464)', () => {
    expect(runtimeEnv.NODE_ENV).toBe('production');
    const exposed = valuesOf(runtime, 'EXPOSE').flatMap((expose) => expose.args.trim().split(/\s+/));
    expect(exposed).toEqual(expect.arrayContaining([runtimeEnv.PORT, runtimeEnv.METRICS_PORT]));
    expect([runtimeEnv.PORT, runtimeEnv.METRICS_PORT]).toEqual(['8000', '9464']);
  });

  it('installs production dependencies only in the runtime stage', () => {
    const installs = valuesOf(runtime, 'RUN').filter((run) => /\bnpm (ci|install|i)\b/.test(run.args));
    expect(installs).toHaveLength(1);
    expect(installs[0]!.args).toMatch(/\bnpm ci\b.*--omit=dev\b/);
  });

  it('checks health on /readyz with an exec-form HEALTHCHECK', () => {
    const [healthcheck] = valuesOf(runtime, 'HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const command = execForm(healthcheck!.args.replace(/^CMD\s+/, ''));
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/readyz');
  });

  it('starts the server with tracing registered first, from files the build compiles', () => {
    const cmd = execForm(valuesOf(runtime, 'CMD').at(-1)!.args);
    expect(cmd).toEqual(['node', '--max-old-space-size=512', '--max-semi-space-size=16', '--import', './dist/observability/tracing.js', 'dist/server.js']);
    for (const file of cmd.filter((word) => /^(\.\/)?dist\/.*\.js$/.test(word))) {
      expect({ file, source: contextHas(compiledFrom(file)) }).toEqual({ file, source: true });
    }
  });

  it('runs at build time only programs the build has compiled', () => {
    const build = stageNamed(stages, 'build');
    const programs = valuesOf(build, 'RUN').flatMap((run) => [...run.args.matchAll(/\bnode ((?:\.\/)?dist\/\S+\.js)/g)].map((match) => match[1]!));
    expect(programs).toContain('dist/cli/write-rds-ca.js');
    for (const file of programs) expect({ file, source: contextHas(compiledFrom(file)) }).toEqual({ file, source: true });
  });
});

describe('docker-compose.yml', () => {
  const folder = mkdtempSync(`${tmpdir()}/spendsense-compose-`);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('builds only stages the Dockerfile has: the runtime image for the API and its migration, the mock stage for Prism', () => {
    expect(api.build?.target).toBe('runtime');
    expect(migrate.build).toEqual(api.build);
    expect(mock.build?.target).toBe('mock');
    for (const service of Object.values(compose.services)) {
      if (service.build?.target) expect(stages.map((stage) => stage.name)).toContain(service.build.target);
    }
  });

  it('holds no JWT secret, and only passwords marked as local-only defaults', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        expect({ name, key, secretInFile: /^JWT_SECRET$|SECRET(?!_FILE$)|TOKEN|API_KEY/.test(key) }).toEqual({ name, key, secretInFile: false });
        if (/PASSWORD/.test(key)) expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^local-only-/) });
      }
    }
  });

  it('runs the API in production with the JWT secret from the volume the jwt-secret service fills', () => {
    const env = api.environment!;
    expect(env.NODE_ENV).toBe('production');
    expect(env.VALIDATE_RESPONSES).toBeUndefined();
    const secretFolder = posix.dirname(env.JWT_SECRET_FILE!);
    const generatedInto = jwtSecretService.volumes!.map((volume) => volume.split(':'))[0]!;
    expect(api.volumes).toContain(`${generatedInto[0]}:${secretFolder}:ro`);
    expect(Object.keys(compose.volumes)).toContain(generatedInto[0]);
  });

  it('starts the API after the database is healthy, the secret exists and the migrations ran', () => {
    expect(db.healthcheck?.test).toEqual(expect.arrayContaining(['pg_isready']));
    expect(api.depends_on).toEqual({
      db: { condition: 'service_healthy' },
      'jwt-secret': { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(migrate.depends_on).toEqual({ db: { condition: 'service_healthy' } });
  });

  it('migrates as the owner and has the API connect as the application login the migration creates', () => {
    const owner = db.environment!;
    const migration = migrate.environment!;
    const server = api.environment!;
    expect(migrate.command).toEqual(['node', 'dist/cli/migrate.js']);
    expect(contextHas(compiledFrom('dist/cli/migrate.js'))).toBe(true);
    expect([migration.DB_USER, migration.DB_PASSWORD, migration.DB_NAME]).toEqual([owner.POSTGRES_USER, owner.POSTGRES_PASSWORD, owner.POSTGRES_DB]);
    expect([server.DB_USER, server.DB_PASSWORD, server.DB_NAME]).toEqual([migration.APP_DB_USER, migration.APP_DB_PASSWORD, owner.POSTGRES_DB]);
    expect(server.DB_USER).not.toBe(owner.POSTGRES_USER);
    expect(server.MIGRATE_ON_START).toBe('false');
    expect(Object.keys(migration).filter((key) => key.startsWith('JWT_'))).toEqual([]);
  });

  it('publishes the metrics port to this machine only', () => {
    expect(api.ports).toContain('8000:8000');
    expect(api.ports).toContain(`127.0.0.1:${api.environment!.METRICS_PORT}:${api.environment!.METRICS_PORT}`);
    expect(db.ports).toBeUndefined();
  });

  it("generates a secret production accepts on the first run and keeps it on the next (the jwt-secret service's script)", async () => {
    const [program, flag, script] = jwtSecretService.command!;
    expect([program, flag]).toEqual(['node', '-e']);
    const mountedAt = jwtSecretService.volumes![0]!.split(':')[1]!;
    const here = script!.replaceAll(`'${mountedAt}/`, `'${folder}/`);
    expect(here).not.toBe(script);
    const first = await execFileAsync(process.execPath, ['-e', here]);
    const file = `${folder}/${posix.basename(api.environment!.JWT_SECRET_FILE!)}`;
    const secret = readFileSync(file, 'utf8');
    expect(first.stdout).toMatch(/generated/);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    expect(statSync(file).uid).toBe(1000);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/spendsense', JWT_SECRET_FILE: file });
    expect(config.jwtSecret).toBe(secret);
    const second = await execFileAsync(process.execPath, ['-e', here]);
    expect(second.stdout).toMatch(/kept/);
    expect(readFileSync(file, 'utf8')).toBe(secret);
  });
});
