// GET /v1/currencies: the ISO 4217 table, so no client needs its own.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { paths } from '../src/paths.ts';
import { startTestApp, type Schema, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

describe('GET /v1/currencies', () => {
  it('lists every currency the contract accepts, with ISO 4217 exponents and names, without a token', async () => {
    const response = await t.api.get('/v1/currencies');
    expect(response.status).toBe(200);
    const currencies = response.body.data as Schema<'Currency'>[];
    const byCode = new Map(currencies.map((currency) => [currency.code, currency]));
    expect(byCode.get('USD')).toEqual({ code: 'USD', exponent: 2, name: 'US Dollar' });
    expect(byCode.get('JPY')?.exponent).toBe(0);
    expect(byCode.get('KWD')?.exponent).toBe(3);
    // Where Intl disagrees with ISO 4217 (it formats IDR and HUF with no decimals), ISO wins.
    expect(byCode.get('IDR')?.exponent).toBe(2);
    expect(byCode.get('HUF')?.exponent).toBe(2);
    const contract = JSON.parse(readFileSync(paths.bundledSpecJson, 'utf8'));
    expect(currencies.map((currency) => currency.code).sort()).toEqual([...contract.components.schemas.CurrencyCode.enum].sort());
    expect(currencies.every((currency) => currency.name.length > 0)).toBe(true);
  });

  it('may be cached by anyone for a day, unlike the rest of /v1', async () => {
    const response = await t.api.get('/v1/currencies');
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
  });
});
