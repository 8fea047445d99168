import { ConfigError } from '../config-error.ts';

/** At most `quota` requests per fixed window of `windowSeconds`, counted per subject in `bucket`. */
export type RateLimitPolicy = {
  /** The name callers see in `RateLimit-Policy` and `RateLimit`. */
  name: 'requests' | 'imports' | 'exports';
  /** Where the counts live: two policies of one name (per user, per address) never share counts. */
  bucket: 'user' | 'address' | 'imports' | 'exports';
  quota: number;
  windowSeconds: number;
};

export type RateLimits = {
  /** Every authenticated /v1 request, per user (all of a user's tokens and API keys together). */
  perUser: RateLimitPolicy;
  /** Every public /v1 request, and every request that fails authentication, per client address. */
  perAddress: RateLimitPolicy;
  /** Statement uploads and exports on top of perUser: each reads or writes a whole history. */
  imports: RateLimitPolicy;
  exports: RateLimitPolicy;
};

type Env = Record<string, string | undefined>;

const units = { s: 1, m: 60, h: 3600 } as const;

/** `600/1m`, `30/1h`, `5/10s`: requests per window. */
function policy(env: Env, variable: string, fallback: string, name: RateLimitPolicy['name'], bucket: RateLimitPolicy['bucket']): RateLimitPolicy {
  const raw = env[variable] || fallback;
  const match = /^(\d{1,7})\/(\d{1,5})([smh])$/.exec(raw.trim());
  const quota = match ? Number(match[1]) : 0;
  const windowSeconds = match ? Number(match[2]) * units[match[3] as keyof typeof units] : 0;
  if (quota < 1 || windowSeconds < 1 || windowSeconds > 86_400) {
    throw new ConfigError(`${variable} must be requests per window, like 600/1m, 30/1h or 5/10s (window 1 s to 24 h), not ${JSON.stringify(raw)}`);
  }
  return { name, bucket, quota, windowSeconds };
}

/**
 * RATE_LIMITS=off turns every limit off (the benchmark measures the API, not its budgets); the
 * default is on, except under test, where suites make thousands of requests from one address.
 */
export function rateLimitsFrom(env: Env, appEnv: 'production' | 'development' | 'test'): RateLimits | null {
  const switch_ = env.RATE_LIMITS ?? (appEnv === 'test' ? 'off' : 'on');
  if (switch_ === 'off') return null;
  if (switch_ !== 'on') throw new ConfigError(`RATE_LIMITS must be on or off, not ${JSON.stringify(switch_)}`);
  return {
    perUser: policy(env, 'RATE_LIMIT_PER_USER', '600/1m', 'requests', 'user'),
    perAddress: policy(env, 'RATE_LIMIT_PER_ADDRESS', '120/1m', 'requests', 'address'),
    imports: policy(env, 'RATE_LIMIT_IMPORTS', '30/1h', 'imports', 'imports'),
    exports: policy(env, 'RATE_LIMIT_EXPORTS', '60/1h', 'exports', 'exports'),
  };
}
