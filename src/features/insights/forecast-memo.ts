import { addMonths, monthsBetween } from '../../calendar.ts';
import { insightMetrics, secondsSince } from '../../observability/metrics.ts';
import { forecastSpending, type ForecastInput, type SeriesForecast } from './forecast.ts';

/** A series longer than this is cut to its latest months: older spending says little about next month's. */
const maxHistoryMonths = 60;

/** The months a forecast from `asOf` reads: from the series' first month (at most five years back) to the month before. */
export function forecastedHistory(firstMonth: string, asOf: string): string[] {
  const earliest = addMonths(asOf, -maxHistoryMonths);
  return monthsBetween(firstMonth < earliest ? earliest : firstMonth, addMonths(asOf, -1));
}

/**
 * Forecasts by their input: a forecast is a pure function of the monthly history, the horizon and
 * the known amounts, so a write that leaves a series' months alone (this month's spending, another
 * category) reuses its forecast, and fitting (~6–10 ms a series, backtest included) happens once
 * per distinct history.
 */
const forecastsByInput = new Map<string, SeriesForecast>();
const maxForecastsKept = 20_000;

export function memoizedForecast(input: ForecastInput): SeriesForecast {
  const key = `${input.horizon}|${input.history.join(',')}|${input.known?.join(',') ?? ''}|${input.knownHistory?.join(',') ?? ''}`;
  const held = forecastsByInput.get(key);
  if (held) return held;
  const startedAt = performance.now();
  const forecast = forecastSpending(input);
  insightMetrics.forecast.observe(secondsSince(startedAt));
  if (forecastsByInput.size >= maxForecastsKept) forecastsByInput.delete(forecastsByInput.keys().next().value!);
  forecastsByInput.set(key, forecast);
  return forecast;
}
