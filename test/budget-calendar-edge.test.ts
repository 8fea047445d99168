// A budget period that would run past the ledger's last day (2199-12-31) is shown ending there:
// the status answers 200 with a date the contract allows, never 500.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { factoriesFor } from './helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());
const { newUser } = factoriesFor(() => t);

describe('GET /v1/budgets/{id}/status at the end of the calendar', () => {
  it.each([['yearly', '2026-07-01'], ['monthly', '2026-01-15'], ['weekly', '2026-01-01']])('a %s budget ends its last period on 2199-12-31', async (period, start) => {
    const user = await newUser();
    const budget = await t.api.post('/v1/budgets', { name: `Far ${period}`, amount: 1000, period, start_date: start }, { token: user.token });
    expect(budget.status).toBe(201);
    const status = await t.api.get(`/v1/budgets/${budget.body.id}/status?date=2199-12-30`, { token: user.token });
    expect(status.status).toBe(200);
    expect(status.body.period_end <= '2199-12-31').toBe(true);
    expect(status.body.period_start <= '2199-12-30').toBe(true);
  });
});
