// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database.
import { loadConfig } from '../config.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';

const config = loadConfig();
const embedded = config.databaseUrl
  ? undefined
  : await startEmbeddedPostgres({ directory: `${config.dataDir}/postgres`, persistent: true });
try {
  const url = config.databaseUrl ?? (await ensureDatabase(embedded!.url, 'spendsense'));
  const applied = await migrate(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
} finally {
  await embedded?.stop();
}
