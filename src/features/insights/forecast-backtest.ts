/**
 * How well the forecast did on this series' own recent past: rolling origin, one step ahead, over
 * the last (up to) six months, each forecast made only from the months before it. Reported as
 * MASE: that mean absolute error divided by the in-sample mean absolute error of seasonal naive
 * (this month = the same month last year) over the whole history. Below 1 the forecast beats
 * "same as last year" as it did in-sample; 1 or more says it does not.
 */
export type Backtest = { mase: number | null; baseline: 'seasonal_naive'; origins: number };

export const backtestOrigins = 6;
/** Seasonal naive's in-sample error needs a month with one a year before it. */
export const backtestMonths = 13;

/** Seasonal naive's in-sample MAE: the mean of |y[t] − y[t − 12]|. */
export function seasonalNaiveScale(history: readonly number[]): number | null {
  let total = 0;
  let count = 0;
  for (let month = 12; month < history.length; month++) {
    total += Math.abs((history[month] ?? 0) - (history[month - 12] ?? 0));
    count++;
  }
  return count === 0 ? null : total / count;
}

/**
 * `forecastAt(origin)` is the one-step forecast of history[origin] made from history[0, origin).
 * Null MASE below 13 months, or when seasonal naive was exact in-sample (a scale of 0 divides nothing).
 */
export function backtest(history: readonly number[], forecastAt: (origin: number) => number | null): Backtest {
  const none: Backtest = { mase: null, baseline: 'seasonal_naive', origins: 0 };
  if (history.length < backtestMonths) return none;
  const scale = seasonalNaiveScale(history);
  let error = 0;
  let origins = 0;
  for (let origin = history.length - backtestOrigins; origin < history.length; origin++) {
    const forecast = forecastAt(origin);
    if (forecast === null) continue;
    error += Math.abs((history[origin] ?? 0) - forecast);
    origins++;
  }
  if (origins === 0 || scale === null || scale === 0) return { ...none, origins };
  return { mase: error / origins / scale, baseline: 'seasonal_naive', origins };
}
