// Multipart statement uploads: exactly one part named file; anything else is refused, never half-read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { assertContract, signUp, startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
let token: string;
let accountId: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ token } = await signUp(t.api));
  accountId = (await t.api.post('/v1/accounts', { name: 'Uploads', type: 'checking', currency: 'USD' }, { token })).body.id;
});
afterAll(async () => t.close());

const csv = (rows: number) => `Date,Amount,Description\n${Array.from({ length: rows }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')},-1.00,Row ${i}`).join('\n')}\n`;
const upload = () => request(t.app).post(`/v1/accounts/${accountId}/imports`).set('Authorization', `Bearer ${token}`);

async function transactionCount(): Promise<number> {
  const response = await t.api.get(`/v1/transactions?account_id=${accountId}&limit=200`, { token });
  return response.body.data.length;
}

describe('POST /v1/accounts/{id}/imports with a multipart body', () => {
  it('refuses two file parts with 400 naming file, and imports nothing', async () => {
    const response = await upload().attach('file', Buffer.from(csv(2)), 'a.csv').attach('file', Buffer.from(csv(3)), 'b.csv');
    assertContract('POST', `/v1/accounts/${accountId}/imports`, response);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ pointer: '#/file', in: 'body', message: 'is not an expected file; send one part named file' }]);
    expect(await transactionCount()).toBe(0);
  });

  it('refuses three file parts the same way', async () => {
    const response = await upload().attach('file', Buffer.from(csv(1)), 'a.csv').attach('file', Buffer.from(csv(1)), 'b.csv').attach('file', Buffer.from(csv(1)), 'c.csv');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].pointer).toBe('#/file');
    expect(await transactionCount()).toBe(0);
  });

  it('refuses a file part under another name', async () => {
    const response = await upload().attach('statement', Buffer.from(csv(1)), 'a.csv');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].pointer).toBe('#/statement');
  });

  it('still imports one file part', async () => {
    const response = await upload().attach('file', Buffer.from(csv(2)), 'a.csv');
    expect(response.status).toBe(201);
    expect(response.body.created).toBe(2);
  });
});
