import type { CombinerSample } from './prequential.ts';
import { Random } from './random.ts';

export type FitOptions = { epochs: number; learningRate: number; l2: number; batch: number; seed: number };

export const defaultFitOptions: FitOptions = { epochs: 40, learningRate: 0.05, l2: 1e-4, batch: 64, seed: 7 };

/** Mean negative log-likelihood of the samples under `weights`. */
export function negativeLogLikelihood(samples: readonly CombinerSample[], weights: readonly number[]): number {
  let total = 0;
  for (const sample of samples) total -= Math.log(Math.max(1e-12, probabilities(sample, weights)[sample.target] ?? 0));
  return total / Math.max(1, samples.length);
}

function probabilities(sample: CombinerSample, weights: readonly number[]): number[] {
  const scores = sample.rows.map((row) => row.reduce((sum, value, i) => sum + value * (weights[i] ?? 0), 0));
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp(score - max));
  const total = exps.reduce((sum, exp) => sum + exp, 0);
  return exps.map((exp) => exp / total);
}

/**
 * Maximum likelihood for the conditional logit over each sample's candidates (Adam on
 * mini-batches, a little L2): the fitted softmax is what makes the confidences calibrated.
 */
export function fitCombiner(samples: readonly CombinerSample[], initial: readonly number[], options = defaultFitOptions): number[] {
  const weights = [...initial];
  const dims = weights.length;
  const moment = new Float64Array(dims);
  const velocity = new Float64Array(dims);
  const random = new Random(options.seed);
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = random.sample(samples, samples.length);
    for (let start = 0; start < order.length; start += options.batch) {
      const gradient = new Float64Array(dims);
      const batch = order.slice(start, start + options.batch);
      for (const sample of batch) {
        const p = probabilities(sample, weights);
        sample.rows.forEach((row, k) => {
          const residual = (p[k] ?? 0) - (k === sample.target ? 1 : 0);
          if (residual === 0) return;
          for (let i = 0; i < dims; i++) gradient[i] = (gradient[i] ?? 0) + residual * (row[i] ?? 0);
        });
      }
      step++;
      for (let i = 0; i < dims; i++) {
        const g = (gradient[i] ?? 0) / batch.length + options.l2 * (weights[i] ?? 0);
        moment[i] = 0.9 * (moment[i] ?? 0) + 0.1 * g;
        velocity[i] = 0.999 * (velocity[i] ?? 0) + 0.001 * g * g;
        const corrected = (moment[i] ?? 0) / (1 - 0.9 ** step);
        const scale = Math.sqrt((velocity[i] ?? 0) / (1 - 0.999 ** step)) + 1e-8;
        weights[i] = (weights[i] ?? 0) - (options.learningRate / (1 + epoch / 10)) * (corrected / scale);
      }
    }
  }
  return weights;
}
