// `npm run reports:rebuild`: recomputes the report aggregates from the transactions, for every
// user (or REBUILD_USER_ID), on DATABASE_URL or the embedded database. Safe to run while serving:
// it is one transaction, and concurrent writers wait for it.
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../db/embedded.ts';

const config = loadConfig();
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedPostgres({ directory: `${config.dataDir}/postgres`, persistent: true });
const client = new pg.Client({ connectionString: config.databaseUrl ?? (await ensureDatabase(embedded!.url, 'spendsense')) });
try {
  await client.connect();
  const startedAt = Date.now();
  await client.query('begin');
  // Blocks transaction writes (which update the aggregates) until the rebuild commits.
  await client.query('lock table transactions in share mode');
  await client.query('select report_totals_rebuild($1)', [process.env.REBUILD_USER_ID ?? null]);
  await client.query('commit');
  const { rows } = await client.query<{ rows: string }>(
    'select (select count(*) from monthly_category_totals) + (select count(*) from monthly_merchant_totals) as rows',
  );
  console.log(`report aggregates rebuilt: ${rows[0]?.rows} rows in ${Date.now() - startedAt} ms`);
} finally {
  await client.end();
  await embedded?.stop();
}
