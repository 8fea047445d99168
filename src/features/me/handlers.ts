import { forgetUser } from '../../db/user-scope.ts';
import { hashPassword, verifyPassword } from '../../http/auth.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import { deleteUser, findPasswordHash, findUser, updateUser } from './queries.ts';

export const getMe: Handler<'getMe'> = async ({ db, userId }) => {
  const user = await findUser(db, userId);
  return { status: 200, body: user, headers: { ETag: etagOf(user) } };
};

export const updateMe: Handler<'updateMe'> = async ({ db, userId, headers, body }) => {
  assertIfMatch(headers['if-match'], await findUser(db, userId, { forUpdate: true }));
  if (body.new_password !== undefined && body.current_password === undefined) {
    throw problems.validation([{ pointer: '#/current_password', in: 'body', message: 'is required with new_password' }]);
  }
  if (body.current_password !== undefined && body.new_password === undefined) {
    throw problems.validation([{ pointer: '#/new_password', in: 'body', message: 'is required with current_password' }]);
  }
  let passwordHash: string | undefined;
  if (body.new_password !== undefined && body.current_password !== undefined) {
    if (!(await verifyPassword(await findPasswordHash(db, userId), body.current_password))) {
      throw problems.unprocessable('The current password is incorrect.', [
        { pointer: '#/current_password', in: 'body', message: 'is incorrect' },
      ]);
    }
    passwordHash = await hashPassword(body.new_password);
  }
  const user = await updateUser(db, userId, {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.default_currency === undefined ? {} : { defaultCurrency: body.default_currency }),
    ...(passwordHash === undefined ? {} : { passwordHash }),
  });
  return { status: 200, body: user, headers: { ETag: etagOf(user) } };
};

export const deleteMe: Handler<'deleteMe'> = async ({ db, userId, headers }) => {
  assertIfMatch(headers['if-match'], await findUser(db, userId, { forUpdate: true }));
  await deleteUser(db, userId);
  forgetUser(userId);
  return { status: 204, body: undefined };
};
