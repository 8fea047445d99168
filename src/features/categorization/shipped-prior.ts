import priorWeights from './prior-weights.json' with { type: 'json' };
import { GlobalPrior, type PriorWeights } from './prior.ts';

let prior: GlobalPrior | undefined;

/** The prior committed with the code (regenerate with `npm run categorizer:prior`), decoded once. */
export function shippedPrior(): GlobalPrior {
  prior ??= GlobalPrior.fromWeights(priorWeights as PriorWeights);
  return prior;
}
