/**
 * The candidate forecasters the spending forecast combines, each working on the model scale (the
 * square root of the monthly amounts, see forecast-scale.ts): augurs' MSTL for the yearly pattern,
 * and the simple forecasts that are hard to beat on spending: the same month last year (annual
 * bills, winter heating), the 12-month mean and a slowly smoothed level (groceries, restaurants:
 * noise around a level). AutoETS is not among them: as a candidate it added nothing over the
 * smoothed level (seed 2: 0.825 against 0.824 × seasonal naive with two years, 0.862 against
 * 0.856 below) at 1.6 ms a fit; it serves for the intervals instead (forecast-intervals.ts).
 */
import { mstlForecast } from './augurs.ts';

export type CandidateName = 'seasonal_naive' | 'mstl' | 'smoothed_level' | 'recent_mean';

/**
 * The fewest months each candidate needs: MSTL (augurs) throws under two years; seasonal naive
 * needs the month a year back (falling back to the last month under a year made it a second
 * naive forecast, and seed 2's 7–23-month forecasts 0.83 × seasonal naive's MAE against 0.77).
 */
export const minimumMonths: Record<CandidateName, number> = { seasonal_naive: 12, recent_mean: 1, smoothed_level: 1, mstl: 24 };

/** With two full years the yearly pattern is learnable by MSTL; before that it is the combination's weakest side. */
export const seasonalModelMonths = minimumMonths.mstl;

/** The same month a year earlier; under a year of history, the last month (plain naive). */
export function seasonalNaive(y: readonly number[], horizon: number): number[] {
  const n = y.length;
  return Array.from({ length: horizon }, (_, step) => (n >= 12 ? (y[n - 12 + (step % 12)] ?? 0) : (y[n - 1] ?? 0)));
}

/** The mean of the last (up to) twelve months, flat over the horizon. */
export function recentMean(y: readonly number[], horizon: number): number[] {
  const recent = y.slice(-12);
  const mean = recent.reduce((sum, value) => sum + value, 0) / Math.max(1, recent.length);
  return Array.from({ length: horizon }, () => mean);
}

/**
 * Under seven months (too few for AutoETS): the mean without the highest and lowest month (from
 * four months on), so one odd month does not set the forecast.
 */
export function trimmedMean(y: readonly number[], horizon: number): number[] {
  const sorted = [...y].sort((a, b) => a - b);
  const kept = sorted.length >= 4 ? sorted.slice(1, -1) : sorted;
  const mean = kept.reduce((sum, value) => sum + value, 0) / Math.max(1, kept.length);
  return Array.from({ length: horizon }, () => mean);
}

/** Simple exponential smoothing: slow (α = 0.1, measured better than 0.2 and 0.3), started at the mean of the first three months. */
const smoothing = 0.1;

export function smoothedLevel(y: readonly number[], horizon: number): number[] {
  const start = y.slice(0, 3);
  let level = start.reduce((sum, value) => sum + value, 0) / Math.max(1, start.length);
  for (const value of y) level += smoothing * (value - level);
  return Array.from({ length: horizon }, () => level);
}

/** The candidates a forecast from `months` of history combines. */
export function candidatesFor(months: number): CandidateName[] {
  const all: CandidateName[] = ['seasonal_naive', 'mstl', 'smoothed_level', 'recent_mean'];
  return all.filter((name) => months >= minimumMonths[name]);
}

/**
 * Each candidate's forecast of the next `horizon` months. A model that fails to fit (a degenerate
 * series) is left out rather than failing the forecast: the combination uses the others.
 */
export function candidateForecasts(y: readonly number[], horizon: number): Map<CandidateName, number[]> {
  const forecasts = new Map<CandidateName, number[]>();
  for (const name of candidatesFor(y.length)) {
    try {
      forecasts.set(name, forecastOf(name, y, horizon));
    } catch {
      // Left out: see above.
    }
  }
  return forecasts;
}

function forecastOf(name: CandidateName, y: readonly number[], horizon: number): number[] {
  switch (name) {
    case 'seasonal_naive':
      return seasonalNaive(y, horizon);
    case 'recent_mean':
      return recentMean(y, horizon);
    case 'smoothed_level':
      return smoothedLevel(y, horizon);
    case 'mstl':
      return mstlForecast(y, horizon).mean;
  }
}
