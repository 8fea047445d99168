import type { DatabasePool } from 'slonik';
import type { Config } from '../../config.ts';
import { bearerToken, verifyAccessToken } from '../../http/auth.ts';
import { findApiKeyUser, isApiKey } from '../api-keys/queries.ts';

/** The user a request's bearer credential names — a personal API key or an access token — or undefined. */
export function callerOf(authorization: string | string[] | undefined, pool: DatabasePool, config: Config): Promise<string | undefined> {
  const token = bearerToken(Array.isArray(authorization) ? authorization[0] : authorization);
  if (!token) return Promise.resolve(undefined);
  return isApiKey(token) ? findApiKeyUser(pool, token) : verifyAccessToken(token, config);
}
