// The write amplification of SpendSense's schema, measured without HTTP: the API's own single-row
// INSERT (bench/sql.ts createOne), one autocommit statement at a time on one connection, into
// `transactions` (its indexes, foreign keys, checks and the insert trigger that keeps the balance,
// the volumes, the revision and the report totals) and into a plain copy of the table (the same
// columns and defaults, a primary key only). Rounds alternate, so drift hits both alike.
// Commits do not wait for the WAL flush (synchronous_commit off for this session): the figure is
// the database's work per row, not the disk's fsync, which both would pay the same.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { NewTransaction } from '../src/features/transactions/queries.ts';
import { createMarker, type Fixtures } from './fixtures.ts';
import { createOne, type PgStatement } from './sql.ts';

export type InsertCost = { rounds: number; rowsPerRound: number; schemaMs: number; plainMs: number; ratio: number };

const plainTable = 'bench_plain_transactions';
const rowsPerRound = 1500;
const rounds = 3;

function newRow(f: Fixtures): NewTransaction {
  return {
    id: randomUUID(), accountId: f.writerAccount, date: f.today, amount: -475, description: createMarker, merchant: 'Blue Bottle Coffee',
    categoryId: f.coffee, categorizedBy: 'user', notes: null, tags: [], externalId: null, status: 'posted', transferId: null,
  };
}

/** The same statement aimed at the plain table. */
function intoPlain(statement: PgStatement): PgStatement {
  return { ...statement, text: statement.text.replace(/^(\s*)insert into transactions /, `$1insert into ${plainTable} `) };
}

/** Milliseconds per insert over `count` statements (after a short warm-up of the same). */
async function timeInserts(client: pg.Client, count: number, next: () => PgStatement): Promise<number> {
  for (let index = 0; index < 100; index += 1) await client.query(next());
  const started = performance.now();
  for (let index = 0; index < count; index += 1) await client.query(next());
  return (performance.now() - started) / count;
}

export async function measureInsertCost(databaseUrl: string, f: Fixtures): Promise<InsertCost> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    await client.query(`drop table if exists ${plainTable}`);
    await client.query(`create table ${plainTable} (like transactions including defaults, primary key (user_id, id))`);
    const schema = () => createOne(f.writerUserId, newRow(f));
    const plain = () => intoPlain(createOne(f.writerUserId, newRow(f)));
    if (!plain().text.includes(plainTable)) throw new Error('the API\'s insert no longer starts with `insert into transactions`: bench/insert-cost.ts cannot aim it at the plain table');
    let schemaMs = 0;
    let plainMs = 0;
    for (let round = 0; round < rounds; round += 1) {
      schemaMs += await timeInserts(client, rowsPerRound, schema);
      plainMs += await timeInserts(client, rowsPerRound, plain);
    }
    schemaMs /= rounds;
    plainMs /= rounds;
    return { rounds, rowsPerRound, schemaMs, plainMs, ratio: plainMs / schemaMs };
  } finally {
    await client.query(`drop table if exists ${plainTable}`).catch(() => undefined);
    await client.query('delete from transactions where user_id = $1 and description = $2', [f.writerUserId, createMarker]).catch(() => undefined);
    await client.end();
  }
}
