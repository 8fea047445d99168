import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { appRole } from './pool.ts';

/**
 * The application's own login (the deploy's `spendsense_api`): it may log in and become
 * spendsense_app, and nothing else. The server connects with it; only the migration task holds the
 * owner's credentials.
 */
export type AppLogin = { user: string; password: string };
export type AppLoginOutcome = { user: string; created: boolean };

export class AppLoginError extends Error {}

// Next to migrate.ts's lock key: two migration tasks at once must not both create the role.
const appLoginLockKey = 7_430_218_114;
const scramIterations = 4096; // PostgreSQL's default scram_iterations

/** SASLprep as node-postgres applies it before SCRAM (non-ASCII spaces, characters mapped to nothing, NFKC). */
function saslPrep(password: string): string {
  return password
    .replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, ' ')
    // RFC 3454 B.1: joiners and variation selectors, dropped because they combine with their neighbours.
    .replace(/[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g, '')
    .normalize('NFKC');
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL would store for `password` (RFC 5802 / 7677). CREATE and
 * ALTER ROLE receive this instead of the password, so the plaintext never reaches the server: not
 * its statement log (log_min_duration_statement logs slow statements whole), not pg_stat_statements.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = scramIterations): string {
  const salted = pbkdf2Sync(saslPrep(password), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** APP_DB_USER and APP_DB_PASSWORD, both or neither. */
export function appLoginFromEnv(env: Record<string, string | undefined>): AppLogin | undefined {
  const user = env.APP_DB_USER || undefined;
  const password = env.APP_DB_PASSWORD || undefined;
  if (user === undefined && password === undefined) return undefined;
  if (user === undefined || password === undefined) throw new AppLoginError('APP_DB_USER and APP_DB_PASSWORD go together: set both or neither');
  return { user, password };
}

function checkLogin({ user, password }: AppLogin): void {
  if (Buffer.byteLength(user) > 63) throw new AppLoginError('APP_DB_USER is longer than PostgreSQL names may be (63 bytes)');
  if (user.startsWith('pg_')) throw new AppLoginError('APP_DB_USER may not start with pg_ (reserved for PostgreSQL roles)');
  if (user === appRole) throw new AppLoginError(`APP_DB_USER must be a login of its own, not ${appRole}`);
  if (password.length < 16) throw new AppLoginError('APP_DB_PASSWORD must be at least 16 characters');
}

type RoleRow = { oid: number; rolsuper: boolean; rolbypassrls: boolean; rolreplication: boolean; rolcreatedb: boolean; rolcreaterole: boolean };

/**
 * Makes `login` a role that can log in with that password, become spendsense_app (so row-level
 * security binds it) and do nothing more: created if missing, else given the password again (a
 * rotated secret). Runs as the owner the migrations ran as. Refuses a role that could get around
 * row-level security (superuser, BYPASSRLS, REPLICATION, or owning anything) rather than using it.
 *
 * Attributes are only named when they must change: on RDS the owner is no superuser, and
 * PostgreSQL refuses a non-superuser's ALTER ROLE that mentions SUPERUSER at all.
 */
export async function ensureAppLogin(ownerUri: string, login: AppLogin): Promise<AppLoginOutcome> {
  checkLogin(login);
  const client = new pg.Client({ connectionString: ownerUri });
  await client.connect();
  try {
    const self = (await client.query<{ owner: string }>('select current_user as owner')).rows[0]!.owner;
    if (self === login.user) throw new AppLoginError(`APP_DB_USER is the owner (${self}) this runs as: the app needs a login of its own`);
    const name = client.escapeIdentifier(login.user);
    const password = client.escapeLiteral(scramVerifier(login.password));
    await client.query('begin');
    try {
      await client.query('select pg_advisory_xact_lock($1)', [appLoginLockKey]);
      const existing = (
        await client.query<RoleRow>(
          'select oid, rolsuper, rolbypassrls, rolreplication, rolcreatedb, rolcreaterole from pg_roles where rolname = $1',
          [login.user],
        )
      ).rows[0];
      if (existing === undefined) {
        await client.query(`create role ${name} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit password ${password}`);
      } else {
        await refuseRoleAboveApp(client, login.user, existing);
        const drop = [existing.rolcreatedb ? 'nocreatedb' : '', existing.rolcreaterole ? 'nocreaterole' : ''].filter(Boolean).join(' ');
        await client.query(`alter role ${name} with login ${drop} password ${password}`);
      }
      await client.query(`grant ${client.escapeIdentifier(appRole)} to ${name}`);
      const database = (await client.query<{ name: string }>('select current_database() as name')).rows[0]!.name;
      await client.query(`grant connect on database ${client.escapeIdentifier(database)} to ${name}`);
      await client.query('commit');
      return { user: login.user, created: existing === undefined };
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  } finally {
    await client.end();
  }
}

async function refuseRoleAboveApp(client: pg.Client, user: string, role: RoleRow): Promise<void> {
  const powers = [role.rolsuper && 'SUPERUSER', role.rolbypassrls && 'BYPASSRLS', role.rolreplication && 'REPLICATION'].filter(Boolean);
  if (powers.length) {
    throw new AppLoginError(`role ${user} already exists with ${powers.join(', ')}: refusing to make it the app login (it would bypass row-level security)`);
  }
  const owned = (await client.query<{ count: number }>("select count(*)::int as count from pg_shdepend where refobjid = $1 and deptype = 'o'", [role.oid])).rows[0]!.count;
  if (owned > 0) {
    throw new AppLoginError(`role ${user} already exists and owns ${owned} object(s): the app login must own nothing, or row-level security does not bind it`);
  }
}
