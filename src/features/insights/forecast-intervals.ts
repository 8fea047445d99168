/**
 * Prediction intervals on the model scale. From seven months on they are non-seasonal AutoETS's
 * intervals re-centred on the combined point (AutoETS's own point forecast is worse, but its band
 * widths track the series' spread, a yearly pattern counted as spread), scaled by factors fitted
 * on generated ledgers of seed 2 so that 80 % and 95 % intervals cover about that share: MSTL's
 * own intervals were far too narrow (80 % covered 64 %, ../shared/LIBRARIES.md). Below seven
 * months, or when AutoETS cannot fit, the spread of the months there are, with small-sample t
 * quantiles: honest, so wide.
 */
import type { Interval } from './augurs.ts';

export const intervalLevels = [0.8, 0.95] as const;
export type IntervalLevel = (typeof intervalLevels)[number];
export type Bands = Record<IntervalLevel, Interval>;

/** With two years of history (long) or less (short). */
export type HistoryLength = 'long' | 'short';

/** Fitted on seed 2, rolling origin, horizons 1–3 (at ×1.0 / ×1.1 short histories' 80 % bands covered 86 %). */
const etsWidening: Record<HistoryLength, Record<IntervalLevel, number>> = {
  long: { 0.8: 0.95, 0.95: 1.1 },
  short: { 0.8: 0.9, 0.95: 1.05 },
};

/** AutoETS's band around its own mean, moved to sit around `point` (each side keeps its width). */
export function recentredEtsBands(point: readonly number[], etsMean: readonly number[], intervals: ReadonlyMap<number, Interval>, history: HistoryLength): Bands | null {
  const bands: Partial<Bands> = {};
  for (const level of intervalLevels) {
    const interval = intervals.get(level);
    if (!interval) return null;
    const widen = etsWidening[history][level];
    bands[level] = {
      lower: point.map((value, step) => value - widen * ((etsMean[step] ?? 0) - (interval.lower[step] ?? 0))),
      upper: point.map((value, step) => value + widen * ((interval.upper[step] ?? 0) - (etsMean[step] ?? 0))),
    };
  }
  return bands as Bands;
}

/** Two-sided Student t quantiles by degrees of freedom (1–6), then the normal's. */
const tQuantiles: Record<IntervalLevel, readonly number[]> = {
  0.8: [3.078, 1.886, 1.638, 1.533, 1.476, 1.44],
  0.95: [12.706, 4.303, 3.182, 2.776, 2.571, 2.447],
};
const normalQuantiles: Record<IntervalLevel, number> = { 0.8: 1.2816, 0.95: 1.96 };
/**
 * The spread assumed at least, as a share of the mean (model scale): two equal months say little
 * about the third. Degrees of freedom below 2 count as 2, or one month would give a band to 30×.
 */
const minimumSpread = 0.3;

/** A band of ± t·s·√(1 + 1/n) around `point`, s the months' standard deviation (at least `minimumSpread` of their mean). */
export function empiricalBands(y: readonly number[], point: readonly number[]): Bands {
  const n = y.length;
  const mean = y.reduce((sum, value) => sum + value, 0) / Math.max(1, n);
  const variance = n > 1 ? y.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  const spread = Math.max(Math.sqrt(variance), minimumSpread * mean) * Math.sqrt(1 + 1 / Math.max(1, n));
  const bands: Partial<Bands> = {};
  for (const level of intervalLevels) {
    const degrees = Math.max(2, n - 1);
    const quantile = tQuantiles[level][degrees - 1] ?? normalQuantiles[level];
    bands[level] = { lower: point.map((value) => value - quantile * spread), upper: point.map((value) => value + quantile * spread) };
  }
  return bands as Bands;
}
