import { createPool, type DatabasePool, type DriverTypeParser } from 'slonik';

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

const typeParsers: DriverTypeParser[] = [
  { name: 'int8', parse: parseInt8 },
  // Sums of int8 come back as numeric; they are integers in minor units.
  { name: 'numeric', parse: (value: string) => parseInt8(value) },
  // Calendar dates stay the 'YYYY-MM-DD' strings PostgreSQL sends: no time zone can shift them.
  { name: 'date', parse: (value: string) => value },
  // timestamptz as RFC 3339 UTC strings, the API's format.
  { name: 'timestamptz', parse: (value: string) => new Date(value).toISOString() },
];

/** Adds `-c role=…` to the connection so the session starts as `role`, whoever logs in. */
export function withSessionRole(connectionUri: string, role: string): string {
  const url = new URL(connectionUri);
  const existing = url.searchParams.get('options');
  url.searchParams.set('options', `${existing ? `${existing} ` : ''}-c role=${role}`);
  return url.toString();
}

export type PoolOptions = { maximumPoolSize?: number; role?: string | null };

/** The application pool; pass `role: null` for the owner (migrations, maintenance). */
export async function createDatabasePool(connectionUri: string, options: PoolOptions = {}): Promise<DatabasePool> {
  const role = options.role === undefined ? appRole : options.role;
  const pool = await createPool(role ? withSessionRole(connectionUri, role) : connectionUri, {
    typeParsers,
    maximumPoolSize: options.maximumPoolSize ?? 10,
    statementTimeout: 30_000,
    idleInTransactionSessionTimeout: 60_000,
    connectionTimeout: 5_000,
    // Queries are not retried: a write that failed mid-flight must not run twice.
    queryRetryLimit: 0,
    // Slonik's default runs DISCARD ALL on every release: a round trip per request for nothing,
    // since this app keeps no session state — the caller is named per transaction
    // (set_config(…, true)) and the role comes from the connection's start-up options.
    resetConnection: async () => undefined,
  });
  // Slonik also emits every query error on the pool; with no listener Node would turn that into
  // an "Unhandled error" throw that hides the typed error. The caller still gets the original.
  pool.on('error', () => undefined);
  return pool;
}
