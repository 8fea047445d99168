import { extractFeatures, fnv1a, hashBits } from '../src/features/categorization/features.ts';
import type { PriorWeights } from '../src/features/categorization/prior.ts';
import { SparseSoftmax } from '../src/features/categorization/softmax.ts';
import type { Brand, CleanedMerchant } from '../src/features/merchants/types.ts';
import type { CorpusExample } from './prior-corpus.ts';

const epochs = 6;
/** The cap while training, and what is kept in the end: the file stays under 200 KB. */
export const priorMaxWeights = 24_000;
const priorKeptWeights = 20_000;

function featuresOf(example: CorpusExample, clean: (description: string) => CleanedMerchant | undefined) {
  return extractFeatures({
    description: example.description,
    merchantKey: clean(example.description)?.key,
    amount: example.amount,
    currency: example.currency,
  });
}

/** SGD over the shuffled corpus, the step shrinking each epoch; pruning keeps the largest weights. */
export function trainPrior(
  corpus: readonly CorpusExample[],
  clean: (description: string) => CleanedMerchant | undefined,
  log: (line: string) => void = () => {},
): SparseSoftmax {
  const model = new SparseSoftmax({ learningRate: 0.5, updateFloor: 0.02, maxWeights: priorMaxWeights });
  const features = corpus.map((example) => featuresOf(example, clean));
  for (let epoch = 0; epoch < epochs; epoch++) {
    let correct = 0;
    corpus.forEach((example, i) => {
      const x = features[i];
      if (x === undefined) return;
      if (model.predict(x)[0]?.label === example.path) correct++;
      model.learn(x, example.path, 1 / (1 + epoch));
    });
    log(`epoch ${epoch + 1}/${epochs}: ${(correct / corpus.length).toFixed(3)} right before learning, ${model.weightCount} weights`);
  }
  model.compact(priorKeptWeights);
  return model;
}

/** A fingerprint of the lexicon: a test compares it with the committed prior's to catch a stale one. */
export function lexiconFingerprint(brands: readonly Brand[]): string {
  return fnv1a(JSON.stringify(brands)).toString(16).padStart(8, '0');
}

/** The committed file's content. */
export function priorWeightsOf(model: SparseSoftmax, seed: number, examples: number, brands: readonly Brand[]): PriorWeights {
  return { version: 1, hashBits, corpus: { seed, examples, lexicon: lexiconFingerprint(brands) }, model: model.toState() };
}
