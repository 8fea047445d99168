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

/** A 422 problem whose `errors` include each expected entry: a body pointer, or the fields an entry has. */
export function expectUnprocessable(response: Answer, ...expected: (string | Record<string, unknown>)[]): void {
  expect(response.status).toBe(422);
  expect(response.body).toMatchObject({ type: '/problems/unprocessable', status: 422 });
  for (const entry of expected) {
    const fields = typeof entry === 'string' ? { pointer: entry, in: 'body' } : entry;
    expect(response.body.errors).toContainEqual(expect.objectContaining(fields));
  }
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

/** The parts of a problem answer that do not vary per request: answers of equal shape tell a client the same thing. */
export function problemShape(response: Answer) {
  return {
    status: response.status,
    type: response.body.type,
    title: response.body.title,
    detail: response.body.detail,
    errors: response.body.errors,
    authenticate: response.headers['www-authenticate'],
    contentType: response.headers['content-type'],
  };
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

/**
 * Two requests raced under one Idempotency-Key: exactly one created (201, no replay header), and the
 * other replays it or answers 409. Returns the one that created.
 */
export function expectIdempotentRace(answers: Answer[]): Answer {
  const fresh = answers.filter((answer) => answer.status === 201 && answer.headers['idempotent-replayed'] === undefined);
  const others = answers.filter((answer) => !fresh.includes(answer));
  expect(fresh).toHaveLength(1);
  expect(others).toHaveLength(1);
  const [created, other] = [fresh[0]!, others[0]!];
  if (other.status === 201) {
    expect(other.headers['idempotent-replayed']).toBe('true');
    expect(other.body).toEqual(created.body);
  } else {
    expectConflict(other);
  }
  return created;
}
