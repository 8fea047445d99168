import { createHash, randomUUID } from 'node:crypto';
import { decoyPasswordHash, hashPassword, issueAccessToken, verifyPassword } from '../../http/auth.ts';
import type { PublicHandler } from '../../http/operation.ts';
import { signInThrottle } from '../../limits.ts';
import { problems } from '../../http/problems.ts';
import { seedDefaultCategories } from '../categories/queries.ts';
import { insertUser, signInQueries } from './queries.ts';

export const registerUser: PublicHandler<'registerUser'> = async ({ body, pool, config }) => {
  const passwordHash = await hashPassword(body.password);
  const user = await pool.transaction(async (db) => {
    const created = await insertUser(db, {
      id: randomUUID(),
      email: body.email.toLowerCase(),
      passwordHash,
      name: body.name ?? null,
      defaultCurrency: body.default_currency ?? 'USD',
    });
    await seedDefaultCategories(db, created.id);
    return created;
  });
  // A new user's tokens are of the first generation (users.token_generation starts at 0).
  const token = await issueAccessToken(user.id, 0, config);
  return { status: 201, body: { user, ...token } };
};

export const createToken: PublicHandler<'createToken'> = async ({ body, pool, config, clientIp }) => {
  const email = body.email.toLowerCase();
  // The email is kept only as a hash: the throttle table holds no personal data.
  const emailKey = `email:${createHash('sha256').update(email).digest('hex')}`;
  const addressKey = `ip:${clientIp}`;
  const signIn = signInQueries(pool);
  const blocked = await signIn.secondsBlocked([emailKey, addressKey]);
  if (blocked > 0) throw problems.tooManyRequests(blocked, `Too many failed sign-ins; retry in ${blocked} seconds.`);
  // Every attempt counts as a failure until the password proves right (see reserveAttempt).
  const emailAttempt = await signIn.reserveAttempt(emailKey, signInThrottle.failuresPerEmail);
  const addressAttempt = await signIn.reserveAttempt(addressKey, signInThrottle.failuresPerAddress);
  if (emailAttempt > signInThrottle.failuresPerEmail || addressAttempt > signInThrottle.failuresPerAddress) {
    const seconds = Math.max(await signIn.secondsBlocked([emailKey, addressKey]), 1);
    throw problems.tooManyRequests(seconds, `Too many failed sign-ins; retry in ${seconds} seconds.`);
  }

  const found = await signIn.findCredentials(email);
  // Unknown email and wrong password do the same argon2 work and get the same answer.
  const matches = await verifyPassword(found?.password_hash ?? (await decoyPasswordHash()), body.password);
  if (!found || !matches) throw problems.unauthorized('The email or password is incorrect.');
  await signIn.clearFailures(emailKey);
  await signIn.releaseAttempt(addressKey, signInThrottle.failuresPerAddress);
  return { status: 200, body: await issueAccessToken(found.id, found.token_generation, config) };
};
