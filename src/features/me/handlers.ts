import { forgetUser } from '../../db/user-scope.ts';
import { forgetAnalyses } from '../insights/analysis.ts';
import { hashPassword, verifyPassword } from '../../http/auth.ts';
import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';

export const getMe: Handler<'getMe'> = async ({ q }) => {
  const user = await q.me.find();
  return { status: 200, body: user, headers: { ETag: etagOf(user) } };
};

export const updateMe: Handler<'updateMe'> = async ({ q, userId, headers, body }) => {
  assertIfMatch(headers['if-match'], await q.me.find({ forUpdate: true }));
  if (body.new_password !== undefined && body.current_password === undefined) {
    throw problems.validation([{ pointer: '#/current_password', in: 'body', message: 'is required with new_password' }]);
  }
  if (body.current_password !== undefined && body.new_password === undefined) {
    throw problems.validation([{ pointer: '#/new_password', in: 'body', message: 'is required with current_password' }]);
  }
  let passwordHash: string | undefined;
  if (body.new_password !== undefined && body.current_password !== undefined) {
    if (!(await verifyPassword(await q.me.findPasswordHash(), body.current_password))) {
      throw problems.unprocessable('The current password is incorrect.', [
        { pointer: '#/current_password', in: 'body', message: 'is incorrect' },
      ]);
    }
    passwordHash = await hashPassword(body.new_password);
  }
  const user = await q.me.update({
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.default_currency === undefined ? {} : { defaultCurrency: body.default_currency }),
    ...(body.auto_categorize_threshold === undefined ? {} : { autoCategorizeThreshold: body.auto_categorize_threshold }),
    ...(passwordHash === undefined ? {} : { passwordHash }),
  });
  // The old password's tokens end: everywhere within a second, in this process at once.
  if (passwordHash !== undefined) forgetUser(userId);
  return { status: 200, body: user, headers: { ETag: etagOf(user) } };
};

export const deleteMe: Handler<'deleteMe'> = async ({ q, userId, headers }) => {
  assertIfMatch(headers['if-match'], await q.me.find({ forUpdate: true }));
  await q.me.delete();
  forgetUser(userId);
  forgetAnalyses(userId);
  return { status: 204, body: undefined };
};

export const signOut: Handler<'signOut'> = async ({ q, userId }) => {
  await q.me.endTokens();
  forgetUser(userId);
  return { status: 204, body: undefined };
};
