import type { DatabasePool } from 'slonik';
import type { Config } from '../../config.ts';
import { bearerToken, verifyAccessToken, type Caller } from '../../http/auth.ts';
import { findApiKeyUser, isApiKey } from '../api-keys/queries.ts';

/** Who a request's bearer credential names — a personal API key or an access token — or undefined. */
export async function callerOf(authorization: string | string[] | undefined, pool: DatabasePool, config: Config): Promise<Caller | undefined> {
  const token = bearerToken(Array.isArray(authorization) ? authorization[0] : authorization);
  if (!token) return undefined;
  if (!isApiKey(token)) return verifyAccessToken(token, config);
  const userId = await findApiKeyUser(pool, token);
  return userId === undefined ? undefined : { userId, tokenGeneration: null };
}
