// The Prism mock (npm run mock) is what client developers build against before the API exists:
// its answers must be ones the real API may give, or the contract's examples have drifted.
// test/mock-parity.test.ts compares it with the API request by request; this file pins what
// src/cli/mock.ts changes in Prism's choices.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { assertContract } from './helpers/app.ts';
import { startMock, type MockServer } from './helpers/mock-server.ts';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMock();
}, 60_000);

afterAll(async () => {
  await mock?.stop();
}, 60_000);

const account = { name: 'Everyday checking', type: 'checking', currency: 'USD' };

describe('the Prism mock of the contract', () => {
  it('answers GET /v1/accounts with a bearer token with a declared status and a conforming body', async () => {
    const response = await request(mock.baseUrl).get('/v1/accounts').set('Authorization', 'Bearer x');
    expect(response.status).toBe(200);
    assertContract('GET', '/v1/accounts', response);
    expect(Array.isArray(response.body.data)).toBe(true);
  });

  it('answers POST /v1/auth/token with valid credentials with a conforming access token', async () => {
    const response = await request(mock.baseUrl)
      .post('/v1/auth/token')
      .send({ email: 'ada@example.com', password: 'correct horse battery staple' });
    expect(response.status).toBe(200);
    assertContract('POST', '/v1/auth/token', response);
    expect(response.body.token_type).toBe('Bearer');
  });

  it('answers GET /v1/accounts without Authorization with a 401 problem and the API\'s WWW-Authenticate', async () => {
    const response = await request(mock.baseUrl).get('/v1/accounts');
    expect(response.status).toBe(401);
    assertContract('GET', '/v1/accounts', response);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="spendsense"');
  });

  it('answers a body that breaks the contract with 400, as the API does, although the operation also declares 422', async () => {
    const response = await request(mock.baseUrl).post('/v1/accounts').set('Authorization', 'Bearer x').send({ ...account, name: 42 });
    expect(response.status).toBe(400);
    assertContract('POST', '/v1/accounts', response);
    expect(response.body.type).toBe('/problems/validation-error');
  });

  it('still answers the declared 422 when asked for it', async () => {
    const response = await request(mock.baseUrl).post('/v1/accounts').set('Authorization', 'Bearer x').set('Prefer', 'code=422').send(account);
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('/problems/unprocessable');
  });

  it('answers a create as a first request: a Location on this API, no Idempotent-Replayed', async () => {
    const response = await request(mock.baseUrl).post('/v1/accounts').set('Authorization', 'Bearer x').set('Idempotency-Key', 'k1').send(account);
    expect(response.status).toBe(201);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(response.headers.location).toMatch(/^\/v1\/accounts\/[0-9a-f-]{36}$/);
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });
});
