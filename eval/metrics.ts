import { autoApplyThreshold, predictors, type Outcome, type Predictor } from './prequential.ts';

export type Rate = { hits: number; count: number };
export type PredictorRates = Record<Predictor, Rate>;

export const historyBuckets = [
  { name: '≤ 25', min: 0, max: 25 },
  { name: '26–100', min: 26, max: 100 },
  { name: '101–500', min: 101, max: 500 },
  { name: '> 500', min: 501, max: Infinity },
] as const;

export type Figures = {
  transactions: number;
  byHistory: { name: string; rates: PredictorRates }[];
  overall: PredictorRates;
  top3: Rate;
  coldBrands: PredictorRates;
  coldLocals: PredictorRates;
  autoApply: { coverage: Rate; precision: Rate };
  /** Expected calibration error of the top suggestion's confidence, 10 equal-width bins. */
  ece: number;
  reliability: { from: number; to: number; count: number; confidence: number; accuracy: number }[];
};

const ratesOf = (outcomes: readonly Outcome[]): PredictorRates =>
  Object.fromEntries(
    predictors.map((predictor) => [predictor, { hits: outcomes.filter((o) => o.correct[predictor]).length, count: outcomes.length }]),
  ) as PredictorRates;

export const share = (rate: Rate) => (rate.count === 0 ? NaN : rate.hits / rate.count);

/** The buckets of a reliability diagram and the calibration error they add up to. */
function calibration(outcomes: readonly Outcome[]) {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, count: 0, confidence: 0, accuracy: 0 }));
  for (const outcome of outcomes) {
    const bin = bins[Math.min(9, Math.floor(outcome.confidence * 10))];
    if (bin === undefined) continue;
    bin.count++;
    bin.confidence += outcome.confidence;
    bin.accuracy += outcome.correct.hybrid ? 1 : 0;
  }
  let ece = 0;
  for (const bin of bins) {
    if (bin.count === 0) continue;
    bin.confidence /= bin.count;
    bin.accuracy /= bin.count;
    ece += (bin.count / outcomes.length) * Math.abs(bin.confidence - bin.accuracy);
  }
  return { ece, reliability: bins };
}

export function summarize(outcomes: readonly Outcome[]): Figures {
  const applied = outcomes.filter((o) => o.confidence >= autoApplyThreshold);
  return {
    transactions: outcomes.length,
    byHistory: historyBuckets.map(({ name, min, max }) => ({
      name,
      rates: ratesOf(outcomes.filter((o) => o.history >= min && o.history <= max)),
    })),
    overall: ratesOf(outcomes),
    top3: { hits: outcomes.filter((o) => o.top3).length, count: outcomes.length },
    coldBrands: ratesOf(outcomes.filter((o) => o.firstAtMerchant && o.origin === 'brand')),
    coldLocals: ratesOf(outcomes.filter((o) => o.firstAtMerchant && o.origin === 'local')),
    autoApply: {
      coverage: { hits: applied.length, count: outcomes.length },
      precision: { hits: applied.filter((o) => o.correct.hybrid).length, count: applied.length },
    },
    ...calibration(outcomes),
  };
}

/** Median and 99th percentile. */
export function percentiles(values: readonly number[]): { median: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p99: at(0.99) };
}
