import { addDays, addMonths, daysBetween, monthsBetween } from '../../calendar.ts';
import { seriesForecasts, type ForecastGrouping } from './forecast-report.ts';
import type { InsightCategory, InsightQueries, MonthlySpending } from './queries.ts';

/**
 * Spending to expect in `from..to` (days, both included, within twelve months of `from`'s month)
 * on a category (with its children when it is a group) or on everything (categoryId null).
 */
export type ExpectedSpendingRequest = { currency: string; categoryId: string | null; from: string; to: string };

/**
 * Budgets project from the monthly aggregates alone: reading the whole history for the recurring
 * streams would make every status after a write as slow as the first insights request.
 */
const noRecurring = { streams: [], charges: [] } as const;

/** Below this many months of history a forecast knows less than the period's own rate so far. */
const minHistoryMonths = 3;

function groupingOf(category: InsightCategory | undefined): ForecastGrouping {
  if (category === undefined) return 'total';
  return category.parent_id === null ? 'parent_category' : 'category';
}

/** Each forecast month's mean (`expected`) spread evenly over its days, summed over the range. */
function spreadOver(points: readonly { month: string; expected: number }[], range: { from: string; to: string }): number {
  let sum = 0;
  for (const point of points) {
    const first = `${point.month}-01`;
    const last = addDays(`${addMonths(point.month, 1)}-01`, -1);
    const from = range.from > first ? range.from : first;
    const to = range.to < last ? range.to : last;
    if (from <= to) sum += (point.expected * (daysBetween(from, to) + 1)) / (daysBetween(first, last) + 1);
  }
  return Math.round(sum);
}

/**
 * What the spending forecast expects for each request, from the history before its `from`'s
 * month; null where the scope has under three months of history (the caller keeps its own
 * estimate). The monthly aggregates are read once per currency and month.
 */
export async function expectedSpending(insights: InsightQueries, requests: readonly ExpectedSpendingRequest[]): Promise<(number | null)[]> {
  if (requests.every((request) => request.from > request.to)) return requests.map(() => 0);
  const categories = await insights.categories();
  const byId = new Map(categories.map((category) => [category.id, category]));
  const histories = new Map<string, Promise<readonly MonthlySpending[]>>();
  const historyOf = (currency: string, asOf: string) => {
    const key = `${currency}|${asOf}`;
    if (!histories.has(key)) histories.set(key, insights.monthlySpending(currency, `${asOf}-01`));
    return histories.get(key)!;
  };
  return Promise.all(
    requests.map(async (request) => {
      if (request.from > request.to) return 0;
      const category = request.categoryId === null ? undefined : byId.get(request.categoryId);
      const asOf = request.from.slice(0, 7);
      const months = monthsBetween(asOf, request.to.slice(0, 7)).slice(0, 12).length;
      const forecasts = seriesForecasts({ currency: request.currency, asOf, months, groupBy: groupingOf(category) }, await historyOf(request.currency, asOf), categories, noRecurring);
      const series = forecasts.find((outcome) => outcome.series.key === (category?.id ?? null))?.series;
      return series && series.history_months >= minHistoryMonths ? spreadOver(series.points, request) : null;
    }),
  );
}
