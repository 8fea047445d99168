import { randomUUID } from 'node:crypto';
import { decoyPasswordHash, hashPassword, issueAccessToken, verifyPassword } from '../../http/auth.ts';
import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problem.ts';
import { findCredentials, insertUser } from './queries.ts';

export const registerUser: Handler<'registerUser'> = async ({ body, pool, config }) => {
  const passwordHash = await hashPassword(body.password);
  const user = await pool.transaction((db) =>
    insertUser(db, {
      id: randomUUID(),
      email: body.email.toLowerCase(),
      passwordHash,
      name: body.name ?? null,
      defaultCurrency: body.default_currency ?? 'USD',
    }),
  );
  const token = await issueAccessToken(user.id, config);
  return { status: 201, body: { user, ...token } };
};

export const createToken: Handler<'createToken'> = async ({ body, pool, config }) => {
  const found = await findCredentials(pool, body.email.toLowerCase());
  // Unknown email and wrong password do the same argon2 work and get the same answer.
  const matches = await verifyPassword(found?.password_hash ?? (await decoyPasswordHash()), body.password);
  if (!found || !matches) throw problems.unauthorized('The email or password is incorrect.');
  return { status: 200, body: await issueAccessToken(found.id, config) };
};
