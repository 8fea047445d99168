// `npm run categorizer:rebuild`: relearns every user's categorizer (or REBUILD_USER_ID's) from the
// categories they set themselves, oldest first, on DATABASE_URL or the embedded database. Each user
// is one transaction that locks their state row, so writes learning meanwhile wait, and the new
// state takes the next version (every process re-reads it).
import pg from 'pg';
import { loadConfig } from '../config.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../db/embedded.ts';
import { writtenInput } from '../features/enrichment/enrich.ts';
import { categorizerContext, categorizerFor, type CategoryPlace } from '../features/enrichment/model.ts';

type Labelled = { description: string; amount: number; currency: string; merchant: string | null; category_id: string };

async function rebuildUser(client: pg.Client, userId: string): Promise<number> {
  await client.query('begin');
  try {
    const { rows: [state] } = await client.query<{ version: number }>('select version from categorizer_states where user_id = $1 for update', [userId]);
    const { rows: categories } = await client.query<CategoryPlace>(
      `select c.id, c.name, p.name as parent, c.archived from categories c
       left join categories p on p.user_id = c.user_id and p.id = c.parent_id where c.user_id = $1`, [userId]);
    const { rows: labelled } = await client.query<Labelled>(
      `select description, amount, currency, merchant, category_id from transactions
       where user_id = $1 and categorized_by = 'user' and transfer_id is null order by date, created_at, id`, [userId]);
    const categorizer = categorizerFor(categorizerContext(categories), undefined);
    for (const row of labelled) categorizer.learn(writtenInput(row), row.category_id);
    await client.query(
      `insert into categorizer_states (user_id, version, label_count, state) values ($1, $2, $3, $4)
       on conflict (user_id) do update set version = excluded.version, label_count = excluded.label_count, state = excluded.state, updated_at = now()`,
      [userId, Number(state?.version ?? 0) + 1, labelled.length, JSON.stringify(categorizer.toState())],
    );
    // Every pending lesson is one of the labels just relearnt.
    await client.query('delete from categorizer_lessons where user_id = $1', [userId]);
    await client.query('commit');
    return labelled.length;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

const config = loadConfig();
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ directory: `${config.dataDir}/postgres`, persistent: true });
const client = new pg.Client({ connectionString: config.databaseUrl ?? (await ensureDatabase(embedded!.url, 'spendsense')) });
try {
  await client.connect();
  const startedAt = Date.now();
  const only = process.env.REBUILD_USER_ID;
  const { rows: users } = await client.query<{ id: string }>(only ? 'select id from users where id = $1' : 'select id from users order by id', only ? [only] : []);
  let labels = 0;
  for (const [index, user] of users.entries()) {
    labels += await rebuildUser(client, user.id);
    if ((index + 1) % 100 === 0 || index + 1 === users.length) console.log(`categorizer rebuilt for ${index + 1} of ${users.length} users (${labels} labels)`);
  }
  console.log(`categorizers rebuilt: ${users.length} users, ${labels} labels in ${Date.now() - startedAt} ms`);
} finally {
  await client.end();
  await embedded?.stop();
}
