// The one place the evaluation reaches into the merchant feature: its lexicon, its cleaner and
// its descriptor templates (shared with the merchant evaluation, so both see the same noise).
import { cleanMerchant } from '../src/features/merchants/clean.ts';
import { brands } from '../src/features/merchants/lexicon.ts';
import type { Brand } from '../src/features/merchants/types.ts';
import type { BrandDescriber } from './ledgers.ts';
import { createRng, describeBrand } from './merchant-descriptors.ts';

export { brands, cleanMerchant };

/** A seeded writer of brand descriptions. */
export function brandDescriber(seed: number): BrandDescriber {
  const rng = createRng(seed);
  return (brand: Brand, region) => describeBrand(brand, rng, region);
}
