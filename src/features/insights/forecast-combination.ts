/**
 * The point forecast: a weighted combination of the candidates, each weighted by how well it
 * forecast the last twelve months one step ahead (inverse squared MAE). A yearly bill series ends
 * up mostly seasonal naive and MSTL, a groceries series mostly the smoothed level and the 12-month
 * mean. Seed 2, two years of history or more: 0.82 × seasonal naive's MAE, against 0.90 for the
 * fixed mix (a third seasonal naive, two thirds MSTL; half and half: 0.90), which serves while too
 * few past origins have MSTL to judge it (24–26 months); at 12–14 months, half seasonal naive and
 * half the smoothed level.
 */
import { candidateForecasts, candidatesFor, trimmedMean, type CandidateName } from './forecast-candidates.ts';

/** Past origins whose one-step errors set the weights. */
export const weightWindow = 12;
/** Fewer common past origins than this and the fixed mix applies. */
const minimumOrigins = 3;
/** Inverse-MAE weights raised to this power: measured 2 ≈ 3 > 1 (seed 2). */
const weightPower = 2;

/** One-step-ahead forecasts made at past origins: origin (months of history used) → candidate → forecast of that month. */
export type OneStepTable = Map<number, Map<CandidateName, number>>;

/**
 * Candidates' one-step forecasts by the history they were made from (its values joined): pass the
 * same map to several forecasts of one series' prefixes (rolling origins) and each past origin is
 * fitted once.
 */
export type OneStepMemo = Map<string, Map<CandidateName, number>>;

/** Every candidate's one-step forecast at each origin in [from, to) (each fitted only on the months before it). */
export function oneStepTable(y: readonly number[], from: number, to: number, memo?: OneStepMemo): OneStepTable {
  const table: OneStepTable = new Map();
  for (let origin = Math.max(1, from); origin < to; origin++) {
    const prefix = y.slice(0, origin);
    const key = memo ? prefix.join(',') : '';
    let forecasts = memo?.get(key);
    if (!forecasts) {
      forecasts = new Map([...candidateForecasts(prefix, 1)].map(([name, values]) => [name, values[0] ?? 0]));
      memo?.set(key, forecasts);
    }
    table.set(origin, forecasts);
  }
  return table;
}

export type Weights = { weights: Map<CandidateName, number>; learned: boolean };

function fixedWeights(available: readonly CandidateName[]): Map<CandidateName, number> {
  if (available.includes('mstl')) return new Map([['seasonal_naive', 1 / 3], ['mstl', 2 / 3]]);
  if (available.includes('seasonal_naive')) return new Map([['seasonal_naive', 1 / 2], ['smoothed_level', 1 / 2]]);
  return new Map([['recent_mean', 1]]);
}

/**
 * Weights for a forecast at `origin` over the candidates that could fit there, from their errors at
 * the past origins where all of them had a forecast (so each is judged on the same months).
 */
export function combinationWeights(y: readonly number[], table: OneStepTable, origin: number, available: readonly CandidateName[]): Weights {
  const errors = available.map(() => 0);
  let origins = 0;
  for (let past = Math.max(1, origin - weightWindow); past < origin; past++) {
    const forecasts = table.get(past);
    const actual = y[past];
    if (!forecasts || actual === undefined || available.some((name) => !forecasts.has(name))) continue;
    available.forEach((name, index) => (errors[index] = (errors[index] ?? 0) + Math.abs(actual - (forecasts.get(name) ?? 0))));
    origins++;
  }
  if (origins < minimumOrigins) return { weights: fixedWeights(available), learned: false };
  // A candidate that was exact (a flat subscription) gets a large but finite weight.
  const raw = errors.map((error) => (1 / Math.max(error / origins, 1e-6)) ** weightPower);
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return { weights: new Map(available.map((name, index) => [name, (raw[index] ?? 0) / total])), learned: true };
}

/** The weighted sum of the candidates' forecasts, month by month. */
export function combine(forecasts: ReadonlyMap<CandidateName, readonly number[]>, weights: ReadonlyMap<CandidateName, number>, horizon: number): number[] {
  return Array.from({ length: horizon }, (_, step) => {
    let sum = 0;
    let total = 0;
    for (const [name, weight] of weights) {
      const value = forecasts.get(name)?.[step];
      if (value === undefined) continue;
      sum += weight * value;
      total += weight;
    }
    return total > 0 ? sum / total : 0;
  });
}

/** Under this many months the forecast is a trimmed mean, not a combination (AutoETS, for the intervals, needs 7). */
export const combinationMonths = 7;

/**
 * What the forecast would have said one step ahead at a past origin, from the table alone (for
 * the backtest): the same regimes and weights as a forecast made then.
 */
export function oneStepForecast(y: readonly number[], table: OneStepTable, origin: number): number | null {
  if (origin < combinationMonths) return trimmedMean(y.slice(0, origin), 1)[0] ?? null;
  const forecasts = table.get(origin);
  if (!forecasts) return null;
  const available = candidatesFor(origin).filter((name) => forecasts.has(name));
  const { weights } = combinationWeights(y, table, origin, available);
  return combine(new Map([...forecasts].map(([name, value]) => [name, [value]])), weights, 1)[0] ?? null;
}

/**
 * How far, on average and in minor units, the forecasts the table can replay at origins before
 * `origin` fell short of the months that came (negative: they overshot); null with fewer than three.
 */
export function oneStepShortfall(y: readonly number[], table: OneStepTable, origin: number, toAmount: (value: number) => number): number | null {
  let total = 0;
  let count = 0;
  for (const past of table.keys()) {
    const forecast = past < origin ? oneStepForecast(y, table, past) : null;
    const actual = y[past];
    if (forecast === null || actual === undefined) continue;
    total += toAmount(actual) - toAmount(forecast);
    count++;
  }
  return count >= minimumOrigins ? total / count : null;
}
