import { defaultPageLimit } from '../../limits.ts';
import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import { apiKeyCursor, generateApiKeySecret } from './queries.ts';

export const listApiKeys: Handler<'listApiKeys'> = async ({ q, query }) => {
  const limit = query.limit ?? defaultPageLimit;
  const rows = await q.apiKeys.list({ limit, after: decodeCursor(query.cursor, apiKeyCursor) });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], (row) => row) };
};

export const createApiKey: Handler<'createApiKey'> = async ({ q, body }) => {
  if (body.expires_at !== undefined && Date.parse(body.expires_at) <= Date.now()) {
    throw problems.unprocessable('An API key must expire in the future.', [
      { pointer: '#/expires_at', in: 'body', message: 'is not in the future' },
    ]);
  }
  const secret = generateApiKeySecret();
  const key = await q.apiKeys.insert({ name: body.name.trim(), secret, expiresAt: body.expires_at ?? null });
  return { status: 201, body: { ...key, secret } };
};

export const deleteApiKey: Handler<'deleteApiKey'> = async ({ q, path }) => {
  if (!(await q.apiKeys.delete(path.id))) throw problems.notFound('No API key with this id.');
  return { status: 204, body: undefined };
};
