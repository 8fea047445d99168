// `npm run migrate` (in the image: `node dist/cli/migrate.js`): applies pending migrations to the
// database in DATABASE_URL (or DB_HOST and friends), or to the embedded one. With APP_DB_USER and
// APP_DB_PASSWORD it then makes sure the application's own login exists with that password, as
// the deploy's one-off migration task does before the service rolls. It reads no JWT secret: the
// task that runs it as the owner gets the owner's credentials and nothing else.
import { databaseUrl } from '../config.ts';
import { appLoginFromEnv, ensureAppLogin } from '../db/app-login.ts';
import { ensureDatabase, startEmbeddedPostgres } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { paths } from '../paths.ts';

const appLogin = appLoginFromEnv(process.env);
const configuredUrl = databaseUrl(process.env);
const embedded = configuredUrl
  ? undefined
  : await startEmbeddedPostgres({ directory: `${process.env.DATA_DIR ?? paths.dataDir}/postgres`, persistent: true });
try {
  const url = configuredUrl ?? (await ensureDatabase(embedded!.url, 'spendsense'));
  const applied = await migrate(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
  if (appLogin) {
    const { user, created } = await ensureAppLogin(url, appLogin);
    // The name only: the password is never printed.
    console.log(`app login ${user}: ${created ? 'created' : 'password and grants brought up to date'}`);
  }
} finally {
  await embedded?.stop();
}
