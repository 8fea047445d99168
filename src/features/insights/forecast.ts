/**
 * The monthly spending forecast of one series (a category, or the total), with 80 % and 95 %
 * prediction intervals and a backtest on the series' own past. Pure and deterministic; the models
 * are augurs' AutoETS and MSTL (WASM, loaded once, see augurs.ts).
 *
 * How: on the square-root scale (forecast-scale.ts), a combination of seasonal naive, MSTL, a
 * smoothed level and the 12-month mean, weighted by their recent one-step errors
 * (forecast-combination.ts), with AutoETS's intervals re-centred on it (forecast-intervals.ts);
 * under seven months a trimmed mean with wide empirical intervals.
 */
import { autoEtsForecast } from './augurs.ts';
import { backtest, type Backtest } from './forecast-backtest.ts';
import { candidateForecasts, seasonalModelMonths, trimmedMean } from './forecast-candidates.ts';
import {
  combinationMonths,
  combinationWeights,
  combine,
  oneStepShortfall,
  oneStepForecast,
  oneStepTable,
  weightWindow,
  type OneStepMemo,
  type OneStepTable,
} from './forecast-combination.ts';
import { empiricalBands, intervalLevels, recentredEtsBands, type Bands } from './forecast-intervals.ts';
import { fromModelScale, toModelScale } from './forecast-scale.ts';

export type ForecastInput = {
  /** Monthly spending, positive minor units, oldest first; the last value is the month before the first forecast month. Months with no spending are 0; a refund month may be negative. */
  history: readonly number[];
  /** How many months to forecast (1–12). */
  horizon: number;
  /**
   * What known recurring charges (subscriptions, insurance, rent: detected elsewhere) are expected
   * to come to in each forecast month, one value per month. These charges are part of `history`
   * too; how they are used without counting them twice depends on `knownHistory`.
   */
  known?: readonly number[];
  /**
   * The same streams' charges in each history month, one value per month. With it the model
   * forecasts the rest (history − knownHistory) and adds `known` back. Without it `known` is only
   * a floor under the forecast (a month cannot cost less than the bills due in it).
   */
  knownHistory?: readonly number[];
};

/** Integers, minor units, all ≥ 0, lower_95 ≤ lower_80 ≤ predicted ≤ upper_80 ≤ upper_95. */
export type ForecastPoint = { predicted: number; lower_80: number; upper_80: number; lower_95: number; upper_95: number };

export type SeriesForecast = {
  /**
   * 'weighted_combination', the fixed mixes 'seasonal_naive+mstl' / 'seasonal_naive+smoothed_level', 'trimmed_mean', 'known_recurring' (the history is all known charges), or 'none' (nothing to forecast from).
   */
  method: string;
  /** `predicted` is a typical month (median-like: what MAE rewards); lumpy categories spend more on average. */
  points: ForecastPoint[];
  /**
   * The mean month per forecast month, minor units: what sums of categories and budgets want
   * (medians do not add up). Seed 2, two years of history or more: `predicted` fell 17 % short of
   * the spending that came, `expected` 4 % over; household totals −6 % and −2 % (EVALUATION.md).
   * Below `predicted` where the past year's forecasts overshot.
   */
  expected: number[];
  backtest: Backtest;
  /** Why the forecast deserves less trust, for the reader ("only 4 months of history: …"); null when nothing stands out. */
  note: string | null;
};

export const maxHorizon = 12;

const isAmount = (value: number) => Number.isFinite(value) && value >= 0;

function validate({ history, horizon, known, knownHistory }: ForecastInput): void {
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > maxHorizon) throw new RangeError(`horizon must be an integer from 1 to ${maxHorizon}, not ${horizon}`);
  if (!history.every(Number.isFinite)) throw new RangeError('history holds a value that is not a finite number');
  if (known && (known.length !== horizon || !known.every(isAmount))) throw new RangeError('known must hold one finite amount ≥ 0 per forecast month');
  if (knownHistory && !known) throw new RangeError('knownHistory is only used with known');
  if (knownHistory && (knownHistory.length !== history.length || !knownHistory.every(isAmount))) throw new RangeError('knownHistory must hold one finite amount ≥ 0 per history month');
}

/** The series the model forecasts: the history, less the known recurring part when it is given. */
const modelledHistory = ({ history, knownHistory }: ForecastInput): number[] => history.map((amount, month) => amount - (knownHistory?.[month] ?? 0));

/**
 * The forecast's centre in minor units: with `knownHistory` the forecast of the rest plus the
 * known charges, with `known` alone the forecast but never under the known charges.
 */
function withKnown({ known, knownHistory }: ForecastInput, forecast: number, step: number): number {
  const due = known?.[step] ?? 0;
  return knownHistory ? forecast + due : Math.max(forecast, due);
}

type PointForecast = { method: string; point: number[] };

/** The point forecast of the modelled series, on the model scale. */
function pointForecast(y: readonly number[], table: OneStepTable, horizon: number): PointForecast {
  if (y.length < combinationMonths) return { method: 'trimmed_mean', point: trimmedMean(y, horizon) };
  const forecasts = candidateForecasts(y, horizon);
  const { weights, learned } = combinationWeights(y, table, y.length, [...forecasts.keys()]);
  return { method: learned ? 'weighted_combination' : [...weights.keys()].join('+'), point: combine(forecasts, weights, horizon) };
}

/** Bands around `centre` as wide as the spread of `y` (the whole history, known charges included) says. */
function bandsAround(y: readonly number[], centre: readonly number[]): Bands {
  if (y.length >= combinationMonths) {
    try {
      const ets = autoEtsForecast(y, centre.length, intervalLevels);
      const bands = recentredEtsBands(centre, ets.mean, ets.intervals, y.length >= seasonalModelMonths ? 'long' : 'short');
      if (bands) return bands;
    } catch {
      // A series AutoETS cannot fit gets the empirical bands of the last year.
    }
  }
  return empiricalBands(y.slice(-12), centre);
}

const normal80 = 1.2816;

/**
 * The mean month. Where a year of past forecasts replays, the forecast plus how far those fell
 * short on average; else, a square-root-scale forecast s with error variance σ² (read off the
 * 80 % band) means s² + σ². Then the known charges as for the centre.
 */
function expectedAmounts(input: ForecastInput, point: readonly number[], shortfall: number | null, bands: Bands): number[] {
  return point.map((value, step) => {
    const sigma = ((bands[0.8].upper[step] ?? 0) - (bands[0.8].lower[step] ?? 0)) / (2 * normal80);
    const mean = shortfall === null ? fromModelScale(value) + sigma ** 2 : Math.max(0, fromModelScale(value) + shortfall);
    return Math.round(withKnown(input, mean, step));
  });
}

/** Minor units, rounded and put in order: lower_95 ≤ lower_80 ≤ predicted ≤ upper_80 ≤ upper_95. */
function toPoints(centre: readonly number[], bands: Bands): ForecastPoint[] {
  const amount = (value: number | undefined) => Math.round(fromModelScale(value ?? 0));
  return centre.map((value, step) => {
    const predicted = amount(value);
    const lower_80 = Math.min(predicted, amount(bands[0.8].lower[step]));
    const upper_80 = Math.max(predicted, amount(bands[0.8].upper[step]));
    return {
      predicted,
      lower_80,
      upper_80,
      lower_95: Math.min(lower_80, amount(bands[0.95].lower[step])),
      upper_95: Math.max(upper_80, amount(bands[0.95].upper[step])),
    };
  });
}

function noteFor(history: readonly number[], modelled: readonly number[]): string | null {
  const months = history.length;
  if (months === 0) return 'no history: the forecast is 0';
  if (history.every((amount) => amount <= 0)) return 'no spending in the history: the forecast is 0, or the known charges';
  if (modelled.every((amount) => amount <= 0)) return 'the history is all known recurring charges: the forecast is the charges due';
  const plural = months === 1 ? 'month' : 'months';
  if (months < combinationMonths) return `only ${months} ${plural} of history: a trimmed mean, with wide intervals`;
  if (months < seasonalModelMonths) return `only ${months} months of history: yearly patterns (annual bills, holiday peaks) are learned from 24 months`;
  const spendingMonths = modelled.slice(-12).filter((amount) => amount > 0).length;
  if (spendingMonths <= 6) return `spending in only ${spendingMonths} of the last 12 months: lumpy, so the intervals are wide`;
  return null;
}

type Prepared = { modelled: number[]; y: number[]; note: string | null };

function prepare(input: ForecastInput): Prepared {
  validate(input);
  const modelled = modelledHistory(input);
  return { modelled, y: modelled.map(toModelScale), note: noteFor(input.history, modelled) };
}

function zeroForecast(input: ForecastInput, note: string | null): Omit<SeriesForecast, 'backtest'> {
  const points = Array.from({ length: input.horizon }, (_, step) => {
    const amount = Math.round(input.known?.[step] ?? 0);
    return { predicted: amount, lower_80: amount, upper_80: amount, lower_95: amount, upper_95: amount };
  });
  return { method: 'none', points, expected: points.map((point) => point.predicted), note };
}

/**
 * The bands always come from the whole history, known charges included, since those vary too (a
 * price rise, a cancellation, a bill that moves month): bands from the rest alone covered 80 % of
 * months for a 95 % interval (seed 2).
 */
function forecastFromTable(input: ForecastInput, prepared: Prepared, table: OneStepTable): Omit<SeriesForecast, 'backtest'> {
  const whole = input.knownHistory ? input.history.map(toModelScale) : prepared.y;
  if (whole.every((value) => value === 0)) return zeroForecast(input, prepared.note);
  // Nothing but known charges so far: the rest is forecast as 0, the bands still from the whole history.
  const { method, point } = prepared.y.every((value) => value === 0)
    ? { method: 'known_recurring', point: Array.from({ length: input.horizon }, () => 0) }
    : pointForecast(prepared.y, table, input.horizon);
  const centre = point.map((value, step) => toModelScale(withKnown(input, fromModelScale(value), step)));
  const bands = bandsAround(whole, centre);
  const shortfall = method === 'known_recurring' ? 0 : oneStepShortfall(prepared.y, table, prepared.y.length, fromModelScale);
  const points = toPoints(centre, bands);
  const expected = expectedAmounts(input, point, shortfall, bands);
  return { method, points, expected, note: prepared.note };
}

/**
 * The forecast without its backtest (what the evaluation scores at each rolling origin). `memo`,
 * shared across forecasts of one series' prefixes, saves refitting the past origins they share.
 */
export function forecastSeries(input: ForecastInput, memo?: OneStepMemo): Omit<SeriesForecast, 'backtest'> {
  const prepared = prepare(input);
  const months = prepared.y.length;
  return forecastFromTable(input, prepared, oneStepTable(prepared.y, months - weightWindow, months, memo));
}

/**
 * The forecast and its backtest. With `knownHistory`, the backtest scores the forecast of the rest
 * (what the model forecast); the known amounts add no error of their own there.
 */
export function forecastSpending(input: ForecastInput): SeriesForecast {
  const prepared = prepare(input);
  const months = prepared.y.length;
  // One table serves both the forecast's weights and each backtest origin's, from the past
  // origins of the same last year that come before it (six to eleven of them): a longer table
  // would cost six more MSTL fits per series.
  const table = oneStepTable(prepared.y, months - weightWindow, months);
  const forecast = forecastFromTable(input, prepared, table);
  const result = backtest(prepared.modelled, (origin) => {
    const value = oneStepForecast(prepared.y, table, origin);
    return value === null ? null : fromModelScale(value);
  });
  return { ...forecast, backtest: result };
}
