import { addDays, addMonths, daysBetween, monthsBetween } from '../../calendar.ts';
import { forecastedHistory, memoizedForecast } from './forecast-memo.ts';
import type { InsightQueries, ScopedSpending } from './queries.ts';

/**
 * Spending to expect in `from..to` (days, both included, within twelve months of `from`'s month)
 * on a category (with its children when it is a group) or on everything (categoryId null).
 */
export type ExpectedSpendingRequest = { currency: string; categoryId: string | null; from: string; to: string };

/** Below this many months of history a forecast knows less than the period's own rate so far. */
const minHistoryMonths = 3;

/** Each forecast month's mean spread evenly over its days, summed over the range. */
function spreadOver(months: readonly string[], means: readonly number[], range: { from: string; to: string }): number {
  let sum = 0;
  months.forEach((month, index) => {
    const first = `${month}-01`;
    const last = addDays(`${addMonths(month, 1)}-01`, -1);
    const from = range.from > first ? range.from : first;
    const to = range.to < last ? range.to : last;
    if (from <= to) sum += ((means[index] ?? 0) * (daysBetween(from, to) + 1)) / (daysBetween(first, last) + 1);
  });
  return Math.round(sum);
}

/** The forecast's mean months of one scope's history from `asOf` on, spread over the range; null with too little history. */
function expectedFrom(rows: readonly ScopedSpending[], request: ExpectedSpendingRequest): number | null {
  if (rows.length === 0) return null;
  const asOf = request.from.slice(0, 7);
  const totals = new Map(rows.map((row) => [row.month, row.total]));
  const history = forecastedHistory(rows.map((row) => row.month).sort()[0]!, asOf);
  if (history.length < minHistoryMonths) return null;
  const months = monthsBetween(asOf, request.to.slice(0, 7)).slice(0, 12);
  const forecast = memoizedForecast({ history: history.map((month) => totals.get(month) ?? 0), horizon: months.length });
  return spreadOver(months, forecast.expected, request);
}

/**
 * What the spending forecast expects for each request, from the history before its `from`'s
 * month (the monthly aggregates alone: no recurring streams, which would need the whole ledger);
 * null where the scope has under three months of history, so the caller keeps its own estimate.
 * One query per currency and month, whatever the number of requests.
 */
export async function expectedSpending(insights: InsightQueries, requests: readonly ExpectedSpendingRequest[]): Promise<(number | null)[]> {
  const scopeOf = (request: ExpectedSpendingRequest) => request.categoryId ?? '';
  const groups = new Map<string, ExpectedSpendingRequest[]>();
  for (const request of requests) {
    if (request.from > request.to) continue;
    const key = `${request.currency}|${request.from.slice(0, 7)}`;
    groups.set(key, [...(groups.get(key) ?? []), request]);
  }
  const rowsByGroup = new Map<string, readonly ScopedSpending[]>();
  for (const [key, members] of groups) {
    const [currency, asOf] = key.split('|') as [string, string];
    rowsByGroup.set(key, await insights.monthlySpendingOn(currency, `${asOf}-01`, members.map(scopeOf)));
  }
  return requests.map((request) => {
    if (request.from > request.to) return 0;
    const rows = rowsByGroup.get(`${request.currency}|${request.from.slice(0, 7)}`) ?? [];
    return expectedFrom(rows.filter((row) => row.scope === scopeOf(request)), request);
  });
}
