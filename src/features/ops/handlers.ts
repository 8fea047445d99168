import { z } from 'zod';
import { readMigrations } from '../../db/migrate.ts';
import { sql } from '../../db/sql.ts';
import type { PublicHandler } from '../../http/operation.ts';
import { Problem, problems } from '../../http/problems.ts';

const expectedVersions = readMigrations().then((migrations) => migrations.map((migration) => migration.version));

export const getHealth: PublicHandler<'getHealth'> = async () => ({ status: 200, body: { status: 'ok' } });

export const getReadiness: PublicHandler<'getReadiness'> = async ({ pool }) => {
  let applied: readonly number[];
  try {
    applied = await pool.anyFirst(sql.type(z.object({ version: z.number() }))`select version from schema_migrations`);
  } catch (error) {
    // The error middleware logs a 5xx problem's cause: the reason readiness failed.
    throw new Problem({ status: 503, type: 'service-unavailable', title: 'Service unavailable', detail: 'The database is unreachable.', cause: error });
  }
  const missing = (await expectedVersions).filter((version) => !applied.includes(version));
  if (missing.length) throw problems.serviceUnavailable(`${missing.length} migration(s) not yet applied.`);
  return { status: 200, body: { status: 'ok', checks: { database: 'ok', migrations: 'ok' } } };
};
