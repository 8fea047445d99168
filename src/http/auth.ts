import { hash, verify } from '@node-rs/argon2';
import { jwtVerify, SignJWT } from 'jose';
import type { Config } from '../config.ts';

const issuer = 'spendsense';
const audience = 'spendsense-api';

// argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 passes.
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

/**
 * A hash to compare against when the email is unknown, so that answering "no such user" costs
 * the same argon2 work as a wrong password and the two cannot be told apart by timing.
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('decoy-password-never-matches');
  return decoyHash;
}

function secretKey(config: Config): Uint8Array {
  return new TextEncoder().encode(config.jwtSecret);
}

export type AccessToken = { access_token: string; token_type: 'Bearer'; expires_in: number };

/**
 * Who a request acts for. `tokenGeneration` is the generation an access token was issued in (a
 * password change or sign-out starts a new one, ending older tokens); null for personal API keys.
 */
export type Caller = { userId: string; tokenGeneration: number | null };

export async function issueAccessToken(userId: string, tokenGeneration: number, config: Config): Promise<AccessToken> {
  const token = await new SignJWT({ gen: tokenGeneration })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${config.jwtTtlSeconds}s`)
    .sign(secretKey(config));
  return { access_token: token, token_type: 'Bearer', expires_in: config.jwtTtlSeconds };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tokens already verified, per configuration (so per secret), until they expire: a client sends
 * the same token with every request, and the signature check was a tenth of a request's CPU.
 * Bounded; the oldest entries go first.
 */
const verifiedTokens = new WeakMap<Config, Map<string, Caller & { expiresAt: number }>>();
const maxVerifiedTokens = 10_000;

/** The caller a valid, unexpired token names, or undefined. Never throws. */
export async function verifyAccessToken(token: string, config: Config): Promise<Caller | undefined> {
  let cache = verifiedTokens.get(config);
  if (!cache) verifiedTokens.set(config, (cache = new Map()));
  const known = cache.get(token);
  if (known) {
    if (known.expiresAt > Date.now()) return { userId: known.userId, tokenGeneration: known.tokenGeneration };
    cache.delete(token);
  }
  try {
    const { payload } = await jwtVerify(token, secretKey(config), { issuer, audience, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || !uuidPattern.test(payload.sub) || payload.exp === undefined) return undefined;
    // Tokens issued before generations existed belong to the first one.
    const tokenGeneration = Number.isSafeInteger(payload.gen) ? (payload.gen as number) : 0;
    if (cache.size >= maxVerifiedTokens) cache.delete(cache.keys().next().value!);
    cache.set(token, { userId: payload.sub, tokenGeneration, expiresAt: payload.exp * 1000 });
    return { userId: payload.sub, tokenGeneration };
  } catch {
    return undefined;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer[ ]+([^\s]+)\s*$/i);
  return match?.[1];
}
