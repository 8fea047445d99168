import { addMonths, monthsBetween } from '../../calendar.ts';
import type { components } from '../../generated/api.ts';
import { forecastedHistory, memoizedForecast } from './forecast-memo.ts';
import type { InsightCategory, MonthlySpending } from './queries.ts';
import { expectedDates } from './schedule.ts';
import type { RecurringCharge } from './analysis.ts';
import type { RecurringSeries } from './types.ts';

type SpendingForecast = components['schemas']['SpendingForecast'];
type ForecastSeries = components['schemas']['ForecastSeries'];
export type ForecastGrouping = components['schemas']['ForecastGrouping'];

export type ForecastRequest = { currency: string; asOf: string; months: number; groupBy: ForecastGrouping };

export const forecastMethod =
  'recurring bills the API knows of taken out and added back as known amounts; the rest forecast on a square-root scale by seasonal naive, MSTL, a smoothed level and the 12-month mean, weighted by their recent one-step errors; AutoETS prediction intervals re-centred on that point; a trimmed mean under 7 months of history';

/** The recurring streams a forecast knows of, and the past charges of their outflows. */
export type KnownRecurring = { streams: readonly RecurringSeries[]; charges: readonly RecurringCharge[] };

type SeriesInput = { key: string | null; label: string; totals: Map<string, number>; categoryIds: Set<string> };

/** The series of a grouping: one per expense category, per group, or one of all spending. */
function seriesOf(groupBy: ForecastGrouping, monthly: readonly MonthlySpending[], categories: readonly InsightCategory[]): SeriesInput[] {
  const byId = new Map(categories.map((category) => [category.id, category]));
  const series = new Map<string | null, SeriesInput>();
  for (const row of monthly) {
    const category = byId.get(row.category_id);
    if (!category) continue;
    const group = groupBy === 'total' ? null : groupBy === 'parent_category' ? (byId.get(category.parent_id ?? '') ?? category) : category;
    const key = group?.id ?? null;
    const entry = series.get(key) ?? { key, label: group?.name ?? 'All spending', totals: new Map(), categoryIds: new Set() };
    entry.totals.set(row.month, (entry.totals.get(row.month) ?? 0) + row.total);
    entry.categoryIds.add(row.category_id);
    series.set(key, entry);
  }
  return [...series.values()];
}

/** What the known recurring outflows of a series' categories come to in each forecast month, and came to in each history month. */
function knownAmounts(recurring: KnownRecurring, request: ForecastRequest, input: SeriesInput, months: { history: readonly string[]; future: readonly string[] }) {
  const future = months.future.map(() => 0);
  const until = `${months.future.at(-1)}-31`;
  const counts = (currency: string, categoryId: string | null) => currency === request.currency && categoryId !== null && input.categoryIds.has(categoryId);
  for (const stream of recurring.streams) {
    if (stream.direction !== 'outflow' || stream.state === 'ended' || !counts(stream.currency, stream.categoryId)) continue;
    for (const date of expectedDates(stream, until)) {
      const index = months.future.indexOf(date.slice(0, 7));
      if (index >= 0) future[index]! += stream.typicalAmount;
    }
  }
  const byMonth = new Map<string, number>();
  for (const charge of recurring.charges) {
    if (counts(charge.currency, charge.categoryId)) byMonth.set(charge.month, (byMonth.get(charge.month) ?? 0) + charge.magnitude);
  }
  const history = months.history.map((month) => byMonth.get(month) ?? 0);
  return future.some((amount) => amount > 0) || history.some((amount) => amount > 0) ? { known: future, knownHistory: history } : {};
}

/** One series' forecast as the API shows it, and its mean months (what sums and budgets add up). */
export type SeriesOutcome = { series: ForecastSeries; expected: readonly number[] };

function forecastOne(input: SeriesInput, request: ForecastRequest, recurring: KnownRecurring): SeriesOutcome {
  const history = forecastedHistory([...input.totals.keys()].sort()[0]!, request.asOf);
  const future = monthsBetween(request.asOf, addMonths(request.asOf, request.months - 1));
  const known = knownAmounts(recurring, request, input, { history, future });
  const forecast = memoizedForecast({ history: history.map((month) => input.totals.get(month) ?? 0), horizon: request.months, ...known });
  const series: ForecastSeries = {
    key: input.key,
    label: input.label,
    method: forecast.method,
    history_months: history.length,
    note: forecast.note,
    known_recurring: known.known?.[0] ?? 0,
    points: forecast.points.map((point, index) => ({ month: future[index]!, ...point, expected: forecast.expected[index]! })),
    backtest: forecast.backtest,
  };
  return { series, expected: forecast.expected };
}

/** Every series of the request's grouping, forecast; largest first month first. */
export function seriesForecasts(
  request: ForecastRequest,
  monthly: readonly MonthlySpending[],
  categories: readonly InsightCategory[],
  recurring: KnownRecurring,
): SeriesOutcome[] {
  return seriesOf(request.groupBy, monthly, categories)
    .map((input) => forecastOne(input, request, recurring))
    .sort((a, b) => (b.series.points[0]?.predicted ?? 0) - (a.series.points[0]?.predicted ?? 0) || a.series.label.localeCompare(b.series.label));
}

/** The forecast answer: a series per category, group or in total. */
export function spendingForecast(
  request: ForecastRequest,
  monthly: readonly MonthlySpending[],
  categories: readonly InsightCategory[],
  recurring: KnownRecurring,
): SpendingForecast {
  const series = seriesForecasts(request, monthly, categories, recurring).map((outcome) => outcome.series);
  return {
    currency: request.currency as SpendingForecast['currency'],
    as_of: request.asOf,
    months: request.months,
    group_by: request.groupBy,
    method: forecastMethod,
    note: series.length === 0 ? `No spending in ${request.currency} before ${request.asOf}: nothing to forecast from.` : null,
    series,
  };
}
