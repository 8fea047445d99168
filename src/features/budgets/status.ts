import type { components } from '../../generated/api.ts';
import { ledgerDates } from '../../limits.ts';
import { daysBetween } from '../../calendar.ts';
import type { PeriodWindow } from './periods.ts';

export type BudgetStatus = components['schemas']['BudgetStatus'];
type Budget = components['schemas']['Budget'];

export type BudgetStatusInput = {
  budget: Pick<Budget, 'id' | 'name' | 'currency' | 'amount' | 'rollover' | 'alert_threshold'>;
  /** The day the status is evaluated at; `period` contains it. */
  date: string;
  period: PeriodWindow;
  /** Outflows minus refunds from period.start to `date`, both included (later ones are not spent yet). */
  spentInPeriod: number;
  /** Outflows minus refunds from the budget's start_date to the day before period.start. */
  spentBeforePeriod: number;
  /**
   * What the spending forecast expects from the day after `date` to the period's end
   * (src/features/insights/expected-spending.ts); null when it has too little history, and the
   * projection is linear instead.
   */
  expectedRest?: number | null;
};

/**
 * Whether earlier periods carry into this one: only with rollover, and only from the second
 * period on (nothing was budgeted before start_date).
 */
export function carriesOver(budget: Pick<Budget, 'rollover'>, period: PeriodWindow): boolean {
  return budget.rollover && period.index > 0;
}

/** n ÷ d rounded half away from zero, exactly; d > 0. */
export function divideRounded(n: bigint, d: bigint): bigint {
  const quotient = n / d;
  const remainder = n % d;
  const magnitude = remainder < 0n ? -remainder : remainder;
  if (2n * magnitude >= d) return quotient + (n < 0n ? -1n : 1n);
  return quotient;
}

const largestExactAmount = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Amounts are JSON numbers, exact within ±(2^53 − 1). Spending stays within that (the ledger's
 * volume rule, sql/migrations/0010), but what a rollover budget carries over does not: 10^15 a
 * week since 1900 is 6.6 × 10^18. A value beyond the limit shows as the limit.
 */
function saturated(value: bigint): number {
  if (value > largestExactAmount) return Number(largestExactAmount);
  if (value < -largestExactAmount) return -Number(largestExactAmount);
  return Number(value);
}

/**
 * Where a budget stands at `date`. All money maths is in BigInt, so products of large amounts
 * (index × amount, spent × days) stay exact.
 *
 * - carried_over: with rollover from the second period on, every earlier period's leftover:
 *   index × amount − spentBeforePeriod (negative when overspent). The budget's current amount
 *   applies to every period: changes of the amount over time are not tracked.
 * - available = budgeted + carried_over; remaining = available − spent.
 * - percent_used: 0 when nothing (net) is spent; spent ÷ available to 4 decimals when something is
 *   available; null when something is spent but nothing is available.
 * - state: over when spent > available, warning from alert_threshold on, else ok.
 * - projected_spend: spent + what the forecast expects for the rest of the period; without a
 *   forecast, spent × days in period ÷ days elapsed (date included), rounded half away from zero.
 * - days_left: from date to the period's end, both included.
 * - Each amount is computed exactly and then saturated at ±(2^53 − 1); percent_used and state
 *   come from the exact values.
 */
export function budgetStatus({ budget, date, period, spentInPeriod, spentBeforePeriod, expectedRest = null }: BudgetStatusInput): BudgetStatus {
  const budgeted = BigInt(budget.amount);
  const spent = BigInt(spentInPeriod);
  const carriedOver = carriesOver(budget, period) ? BigInt(period.index) * budgeted - BigInt(spentBeforePeriod) : 0n;
  const available = budgeted + carriedOver;

  let percentUsed: number | null;
  if (spent <= 0n) percentUsed = 0;
  else if (available > 0n) percentUsed = Number(divideRounded(spent * 10_000n, available)) / 10_000;
  else percentUsed = null;

  const state: BudgetStatus['state'] =
    spent > available ? 'over' : percentUsed !== null && percentUsed >= budget.alert_threshold ? 'warning' : 'ok';

  const daysInPeriod = BigInt(daysBetween(period.start, period.end) + 1);
  const daysElapsed = BigInt(daysBetween(period.start, date) + 1);

  return {
    budget_id: budget.id,
    name: budget.name,
    currency: budget.currency,
    date,
    period_start: period.start,
    // The ledger's calendar (and the contract's Date) ends on its last day: a period past it is shown ending there.
    period_end: period.end > ledgerDates.latest ? ledgerDates.latest : period.end,
    budgeted: saturated(budgeted),
    carried_over: saturated(carriedOver),
    spent: saturated(spent),
    remaining: saturated(available - spent),
    percent_used: percentUsed,
    state,
    projected_spend: saturated(expectedRest === null ? divideRounded(spent * daysInPeriod, daysElapsed) : spent + BigInt(expectedRest)),
    days_left: daysBetween(date, period.end) + 1,
  };
}
