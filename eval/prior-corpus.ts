import type { Brand, DefaultCategoryPath } from '../src/features/merchants/types.ts';
import { accountFlows, describeFlow, randomParty } from './account-flows.ts';
import type { BrandDescriber } from './ledgers.ts';
import { describeLocal, localTrades, randomLocalMerchant, type Region } from './local-merchants.ts';
import { Random } from './random.ts';

/** One labelled description of the prior's training corpus. */
export type CorpusExample = { description: string; amount: number; currency: string; path: DefaultCategoryPath };

const currencyOf: Record<Region, string> = { US: 'USD', UK: 'GBP', EU: 'EUR' };
const regions: readonly Region[] = ['US', 'UK', 'EU'];

export type CorpusOptions = {
  seed: number;
  brands: readonly Brand[];
  describeBrand: BrandDescriber;
  perBrand: number;
  perTrade: number;
  perFlow: number;
};

/**
 * The prior's corpus: noisy descriptions of every lexicon brand (its descriptor templates), of
 * local shops named from the corpus half of the owner names, and of pay, rent, fees and transfers,
 * each labelled with its default category path. Amounts are rough, just enough to carry the sign.
 */
export function generateCorpus(options: CorpusOptions): CorpusExample[] {
  const random = new Random(options.seed);
  const examples: CorpusExample[] = [];
  for (const brand of options.brands) {
    for (let i = 0; i < options.perBrand; i++) {
      const region = random.pick(brand.regions.length > 0 ? brand.regions : regions);
      examples.push({ description: options.describeBrand(brand, region), amount: -Math.round(random.logNormal(4000, 0.9)),
        currency: currencyOf[region], path: brand.category });
    }
  }
  for (let i = 0; i < options.perTrade * localTrades.length; i++) {
    const merchant = randomLocalMerchant(random, random.pick(regions), 'corpus');
    examples.push({ description: describeLocal(merchant, random), amount: -Math.round(random.logNormal(merchant.typicalAmount * 100, 0.6)),
      currency: currencyOf[merchant.region], path: merchant.category });
  }
  for (const flow of accountFlows) {
    for (let i = 0; i < options.perFlow; i++) {
      const region = random.pick(regions);
      const amount = Math.round(random.logNormal(Math.abs(flow.typicalAmount) * 100, 0.5)) * Math.sign(flow.typicalAmount);
      examples.push({ description: describeFlow(flow, random, region, randomParty(random)), amount, currency: currencyOf[region], path: flow.category });
    }
  }
  return random.sample(examples, examples.length);
}
