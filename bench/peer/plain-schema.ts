// The FastAPI peer's plain schema in the bench database (schema.sql), copied from the seeded
// ledger once per seed: its comment records which seed and which schema.sql it was built from,
// so a run after `npm run bench:seed` or an edit of schema.sql rebuilds it and any other run reuses it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { SeedInfo } from '../db.ts';

const schemaSql = readFileSync(new URL('schema.sql', import.meta.url), 'utf8');

function builtFrom(seed: SeedInfo): string {
  return JSON.stringify({ seededAt: seed.seededAt, schema: createHash('sha256').update(schemaSql).digest('hex').slice(0, 16) });
}

/** Builds schema `plain` unless it is already this seed's; says whether it did. */
export async function ensurePlainSchema(owner: pg.Client, seed: SeedInfo): Promise<'built' | 'reused'> {
  const { rows: [current] } = await owner.query<{ comment: string | null }>(
    `select obj_description(to_regnamespace('plain'), 'pg_namespace') as comment`);
  if (current?.comment === builtFrom(seed)) return 'reused';
  await owner.query('begin');
  try {
    await owner.query(`set local synchronous_commit = off; set local maintenance_work_mem = '512MB'`);
    await owner.query(schemaSql);
    await owner.query(`comment on schema plain is ${owner.escapeLiteral(builtFrom(seed))}`);
    await owner.query('commit');
  } catch (error) {
    await owner.query('rollback');
    throw error;
  }
  await owner.query('vacuum (analyze) plain.users, plain.accounts, plain.categories, plain.transactions');
  // The copy's dirty pages are written now, not by a checkpoint in the middle of a measurement.
  await owner.query('checkpoint').catch(() => undefined); // needs superuser or pg_checkpoint
  return 'built';
}

/** Deletes the rows the peer's create scenario added (the same marker the API's creates carry). */
export async function removePeerCreatedRows(owner: pg.Client, userIds: string[], marker: string): Promise<void> {
  const { rows: [table] } = await owner.query<{ exists: boolean }>(`select to_regclass('plain.transactions') is not null as exists`);
  if (!table!.exists) return;
  await owner.query('delete from plain.transactions where user_id = any($1) and description = $2', [userIds, marker]);
  await owner.query('vacuum (analyze) plain.transactions');
}
