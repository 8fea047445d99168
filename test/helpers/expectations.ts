// Assertions on problem+json answers, shared by the API test files.
import { expect } from '@jest/globals';
import type { TestApp } from './app.ts';

/** An answer from the contract client. */
export type Answer = Awaited<ReturnType<TestApp['api']['get']>>;

/** A 400 validation problem whose `errors` include each expected entry. */
export function expectValidationProblem(response: Answer, ...expected: Record<string, unknown>[]): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ type: '/problems/validation-error', status: 400 });
  for (const error of expected) expect(response.body.errors).toContainEqual(expect.objectContaining(error));
}

/** A 400 validation problem naming the query parameter. */
export function expectBadParameter(response: Answer, parameter: string): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ type: '/problems/validation-error', status: 400 });
  expect(response.body.errors).toContainEqual(expect.objectContaining({ parameter, in: 'query' }));
}

/** A 422 problem whose `errors` point at each body pointer. */
export function expectUnprocessable(response: Answer, ...pointers: string[]): void {
  expect(response.status).toBe(422);
  expect(response.body).toMatchObject({ type: '/problems/unprocessable', status: 422 });
  for (const pointer of pointers) expect(response.body.errors).toContainEqual(expect.objectContaining({ pointer, in: 'body' }));
}

/** A 401 with a Bearer challenge; `what` names the case in a failure message. */
export function expectUnauthorized(response: Answer, what = ''): void {
  expect({ what, status: response.status }).toEqual({ what, status: 401 });
  expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
  expect(response.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
}

/** A 409 conflict problem. */
export function expectConflict(response: Answer): void {
  expect(response.status).toBe(409);
  expect(response.body).toMatchObject({ type: '/problems/conflict', status: 409 });
}

/** Base64url of a JSON value: for forging cursors. */
export const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `second` replays `first` under one Idempotency-Key: the same 201, body, Location and ETag, marked as a replay. */
export function expectReplay(first: Answer, second: Answer): void {
  expect(first.status).toBe(201);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  expect(second.status).toBe(201);
  expect(second.headers['idempotent-replayed']).toBe('true');
  expect(second.body).toEqual(first.body);
  expect(second.headers.location).toBe(first.headers.location);
  expect(second.headers.etag).toBe(first.headers.etag);
}
