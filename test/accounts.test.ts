import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ token } = await signUp(t.api));
});
afterAll(() => t.close());

const checking = { name: 'Everyday checking', type: 'checking', currency: 'USD', opening_balance: 125000 };

describe('POST /v1/accounts', () => {
  it('creates an account whose balance starts at the opening balance', async () => {
    const response = await t.api.post('/v1/accounts', checking, { token });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ ...checking, balance: 125000, archived: false });
    expect(response.headers.location).toBe(`/v1/accounts/${response.body.id}`);
    expect(response.headers.etag).toMatch(/^"[\w-]+"$/);
  });
});
