// npm run categorizer:prior — regenerates src/features/categorization/prior-weights.json from a
// seeded corpus (eval/prior-corpus.ts). Deterministic: the same lexicon and templates give the
// same bytes, so a diff of the weights file means the lexicon or the templates changed.
import { writeFileSync } from 'node:fs';
import { generateCorpus } from './prior-corpus.ts';
import { priorWeightsOf, trainPrior } from './prior-training.ts';
import { brandDescriber, brands, cleanMerchant } from './world.ts';

const corpusSeed = 20_261_101;
const outputPath = new URL('../src/features/categorization/prior-weights.json', import.meta.url);

function main(): void {
  const started = performance.now();
  const corpus = generateCorpus({ seed: corpusSeed, brands, describeBrand: brandDescriber(corpusSeed), perBrand: 24, perTrade: 200, perFlow: 60 });
  console.log(`corpus: ${corpus.length} descriptions (${brands.length} brands, local trades, account flows)`);
  const model = trainPrior(corpus, cleanMerchant, console.log);
  const weights = priorWeightsOf(model, corpusSeed, corpus.length, brands);
  const json = `${JSON.stringify(weights)}\n`;
  writeFileSync(outputPath, json);
  console.log(`wrote ${outputPath.pathname}: ${model.weightCount} weights, ${(json.length / 1024).toFixed(0)} KB, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
