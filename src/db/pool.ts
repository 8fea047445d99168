import { createHash } from 'node:crypto';
import { createPool, type DatabasePool, type DriverTypeParser, type Interceptor } from 'slonik';
import { failedStatements } from './failed-statements.ts';
import { slonikTls } from './verified-tls.ts';

/** The role every application query runs as: owns no table, so row-level security binds it. */
export const appRole = 'spendsense_app';

/**
 * int8 → JS number. Amounts are bounded to ±10^15, well inside Number.MAX_SAFE_INTEGER (≈9×10^15),
 * so numbers keep JSON plain and arithmetic simple. A value beyond the safe range (a sum of
 * extreme amounts) throws rather than silently losing a cent.
 */
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return parsed;
}

/**
 * '2026-03-14 09:30:00.123456+00' → '2026-03-14T09:30:00.123Z' by string surgery: the session's
 * TimeZone is UTC, and this runs for every timestamp of every row (Date parsing was 7 % of a
 * list request's CPU). Anything else falls back to Date.
 */
function parseTimestamptz(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/.exec(value);
  if (!match) return new Date(value).toISOString();
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

const typeParsers: DriverTypeParser[] = [
  { name: 'int8', parse: parseInt8 },
  // Sums of int8 come back as numeric; they are integers in minor units.
  { name: 'numeric', parse: (value: string) => parseInt8(value) },
  // Calendar dates stay the 'YYYY-MM-DD' strings PostgreSQL sends: no time zone can shift them.
  { name: 'date', parse: (value: string) => value },
  // timestamptz as RFC 3339 UTC strings, the API's format (sessions run in UTC, see below).
  { name: 'timestamptz', parse: parseTimestamptz },
];

/** How many distinct statements a process prepares; any beyond run unnamed, planned each time. */
const maxPreparedStatements = 500;
const statementNames = new Map<string, string>();

/** A statement binding an array longer than this is a bulk write (an import chunk, a batch). */
const bulkArrayLength = 100;

/**
 * Runs every statement as a named prepared statement, named after a hash of its text, so each
 * connection parses and plans it once and PostgreSQL may reuse the plan: planning was half of a
 * multi-year report's 2 ms, and a tenth of a list. The SQL is built from fixed fragments, so its
 * shapes are few; a cap keeps the statements a connection holds bounded all the same. (Slonik's
 * DISCARD ALL, which would drop them under the driver's feet, is off: see resetConnection.)
 *
 * Bulk writes stay unnamed: their best plan depends on how many rows their arrays carry, which a
 * reused generic plan cannot know (a 5,000-row import chunk took 9 % longer prepared).
 */
const preparedStatements: Interceptor = {
  name: 'prepared-statements',
  transformQuery: (_context, query) => {
    if (query.values.some((value) => Array.isArray(value) && value.length > bulkArrayLength)) return query;
    let name = statementNames.get(query.sql);
    if (name === undefined && statementNames.size < maxPreparedStatements) {
      name = `ss_${createHash('sha256').update(query.sql).digest('base64url').slice(0, 32)}`;
      statementNames.set(query.sql, name);
    }
    return name === undefined ? query : { ...query, name };
  },
};

/**
 * Adds start-up settings to the connection URI: `-c role=…` so the session runs as `role` whoever
 * logs in, and `-c TimeZone=UTC` so timestamps arrive in UTC.
 */
export function withSessionSettings(connectionUri: string, settings: { role: string | null }): string {
  const url = new URL(connectionUri);
  const existing = url.searchParams.get('options');
  const options = [existing, settings.role ? `-c role=${settings.role}` : null, '-c TimeZone=UTC'].filter(Boolean);
  url.searchParams.set('options', options.join(' '));
  return url.toString();
}

export type PoolOptions = { maximumPoolSize?: number; role?: string | null };

/** The application pool; pass `role: null` for the owner (migrations, maintenance). */
export async function createDatabasePool(connectionUri: string, options: PoolOptions = {}): Promise<DatabasePool> {
  const role = options.role === undefined ? appRole : options.role;
  // sslmode=verify-full (the deploy's) is beyond slonik's URL parser: see verified-tls.ts.
  const tls = slonikTls(withSessionSettings(connectionUri, { role }));
  const pool = await createPool(tls.connectionUri, {
    ...(tls.ssl ? { ssl: tls.ssl } : {}),
    typeParsers,
    interceptors: [preparedStatements, failedStatements],
    maximumPoolSize: options.maximumPoolSize ?? 10,
    statementTimeout: 30_000,
    idleInTransactionSessionTimeout: 60_000,
    connectionTimeout: 5_000,
    // Queries are not retried: a write that failed mid-flight must not run twice.
    queryRetryLimit: 0,
    // Slonik's default runs DISCARD ALL on every release: a round trip per request. The only
    // session state here is app.user_id, which user-scope.ts tracks per connection of the user
    // pool and replaces before serving another user; the public pool never sets it.
    resetConnection: async () => undefined,
  });
  // Slonik also emits every query error on the pool; with no listener Node would turn that into
  // an "Unhandled error" throw that hides the typed error. The caller still gets the original.
  pool.on('error', () => undefined);
  return pool;
}
