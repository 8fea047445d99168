import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  HybridCategorizer,
  type CategorizationInput,
  type CategorizerContext,
  type CategorizerState,
} from '../src/features/categorization/categorizer.ts';
import { amountBucket, extractFeatures, hashBits } from '../src/features/categorization/features.ts';
import { PayeeMemory } from '../src/features/categorization/payee-memory.ts';
import { defaultCategoryPaths, resolveDefaultPath, type CategoryIdsByPath } from '../src/features/categorization/prior.ts';
import priorWeights from '../src/features/categorization/prior-weights.json' with { type: 'json' };
import { shippedPrior } from '../src/features/categorization/shipped-prior.ts';
import { SparseSoftmax } from '../src/features/categorization/softmax.ts';
import { cleanMerchant } from '../src/features/merchants/clean.ts';
import { brands } from '../src/features/merchants/lexicon.ts';
import type { Brand, CleanedMerchant, DefaultCategoryPath } from '../src/features/merchants/types.ts';
import { generateCorpus } from '../eval/prior-corpus.ts';
import { lexiconFingerprint, trainPrior } from '../eval/prior-training.ts';
import { Random } from '../eval/random.ts';

const prior = shippedPrior();

/** A user's taxonomy: every default path with an id of its own, plus two custom categories. */
function taxonomy(seed = 1): { ids: Map<DefaultCategoryPath, string>; all: string[] } {
  const random = new Random(seed);
  const ids = new Map(defaultCategoryPaths().map((path) => [path, random.uuid()] as const));
  return { ids, all: [...ids.values(), random.uuid(), random.uuid()] };
}

const { ids, all: allCategories } = taxonomy();
const context: CategorizerContext = { categoryIdsByPath: ids };
const idOf = (path: DefaultCategoryPath) => {
  const id = ids.get(path);
  if (id === undefined) throw new Error(`no ${path}`);
  return id;
};

const brandNamed = (name: string): Brand => {
  const brand = brands.find((candidate) => candidate.name === name);
  if (brand === undefined) throw new Error(`no brand ${name} in the lexicon`);
  return brand;
};

/** A purchase as the integrator builds it: the raw description and its cleaned merchant. */
function purchase(description: string, amount = -2_350): CategorizationInput {
  return { description, amount, currency: 'USD', merchant: cleanMerchant(description) };
}

/** A purchase at a merchant given directly, for properties over arbitrary merchant keys. */
function purchaseAt(key: string, amount: number, brand?: Brand): CategorizationInput {
  const merchant: CleanedMerchant = brand === undefined ? { key, name: key } : { key, name: brand.name, brand };
  return { description: `POS DEBIT ${key} 1234`, amount, currency: 'USD', merchant };
}

const merchantKeys = fc.stringMatching(/^[A-Z]{3,10}( [A-Z]{2,8})?$/);
const amounts = fc.integer({ min: -500_000, max: 500_000 });
const category = fc.constantFrom(...allCategories);
/** A short labelled history: what users have done before a property is checked. */
const history = fc.array(fc.record({ key: merchantKeys, amount: amounts, category, correction: fc.boolean() }), { maxLength: 30 });

function trained(events: readonly { key: string; amount: number; category: string; correction: boolean }[]): HybridCategorizer {
  const categorizer = new HybridCategorizer(prior, context);
  for (const event of events) categorizer.learn(purchaseAt(event.key, event.amount), event.category, { correction: event.correction });
  return categorizer;
}

describe('hashed features', () => {
  it('are stable, inside the hash space, and carry words, character grams, the merchant and the amount', () => {
    const text = { description: 'POS DEBIT WHOLEFDS MKT 10234 AUSTIN TX', merchantKey: 'WHOLEFDS MKT', amount: -4_599, currency: 'USD' };
    const features = extractFeatures(text);
    expect(extractFeatures(text)).toEqual(features);
    expect(features.indexes.every((index) => index >= 0 && index < 2 ** hashBits)).toBe(true);
    expect(new Set(features.indexes).size).toBe(features.indexes.length);
    expect(features.sources).toEqual(expect.arrayContaining(['merchant: WHOLEFDS MKT', 'word: WHOLEFDS', 'word: AUSTIN', 'amount 20–50, money out']));
    // 3-, 4- and 5-grams of "^WHOLEFDS$" and "^MKT$" plus the words, the merchant, the bias, other words and the amount.
    expect(features.indexes.length).toBeGreaterThan(30);
  });

  it('bucket amounts by sign and magnitude in major units of the currency', () => {
    expect(amountBucket(-4_599, 'USD')).toBe('debit 20–50');
    expect(amountBucket(4_599, 'JPY')).toBe('credit 1000–5000');
    expect(amountBucket(0, 'EUR')).toBe('zero < 5');
    expect(amountBucket(-123_456_789, undefined)).toBe('debit ≥ 5000');
  });
});

describe('SparseSoftmax', () => {
  it('raises the probability of the label it learns, from any state', () => {
    const texts = fc.record({ description: fc.string({ maxLength: 40 }), merchantKey: fc.option(merchantKeys, { nil: undefined }), amount: amounts });
    fc.assert(
      fc.property(fc.array(fc.tuple(texts, category), { maxLength: 20 }), texts, category, (earlier, text, label) => {
        const model = new SparseSoftmax();
        for (const [seen, seenLabel] of earlier) model.learn(extractFeatures(seen), seenLabel);
        const features = extractFeatures(text);
        const before = model.probabilityOf(features, label);
        model.learn(features, label);
        const after = model.probabilityOf(features, label);
        expect(after).toBeGreaterThan(Math.min(before, 1 - 1e-9));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps at most its weight budget, and forgets a label completely', () => {
    const model = new SparseSoftmax({ learningRate: 0.4, updateFloor: 0.02, maxWeights: 500 });
    const random = new Random(3);
    for (let i = 0; i < 300; i++) {
      model.learn(extractFeatures({ description: `SHOP ${random.int(0, 999)}`, merchantKey: `SHOP${random.int(0, 50)}`, amount: -100 }), random.pick(['a', 'b', 'c']));
    }
    expect(model.weightCount).toBeLessThanOrEqual(500);
    model.forget('b');
    expect(model.labels).toEqual(['a', 'c']);
    const restored = SparseSoftmax.fromState(JSON.parse(JSON.stringify(model.toState())));
    expect(restored.predict(extractFeatures({ description: 'SHOP 1', merchantKey: 'SHOP1', amount: -100 })).map(({ label }) => label).sort()).toEqual(['a', 'c']);
  });
});

describe('payee memory', () => {
  it('follows the user after three corrections in a row to one category, and not after one stray label', () => {
    const memory = new PayeeMemory();
    for (let i = 0; i < 20; i++) memory.learn('SHELL OIL', 'fuel', false);
    memory.learn('SHELL OIL', 'typo', true);
    expect(memory.recall('SHELL OIL')?.follow).toBeUndefined();
    memory.learn('SHELL OIL', 'fuel', false);
    for (let i = 0; i < 3; i++) memory.learn('SHELL OIL', 'car', true);
    expect(memory.recall('SHELL OIL')).toMatchObject({ follow: 'car', corrections: 3, last: 'car', seen: 25 });
  });
});

describe('default category paths', () => {
  it('resolve to the user’s category, or its group’s when the user archived the child', () => {
    const withoutCoffee: CategoryIdsByPath = new Map([...ids].filter(([path]) => path !== 'Food & Drink › Coffee'));
    expect(resolveDefaultPath('Food & Drink › Coffee', ids)).toBe(idOf('Food & Drink › Coffee'));
    expect(resolveDefaultPath('Food & Drink › Coffee', withoutCoffee)).toBe(idOf('Food & Drink'));
    expect(resolveDefaultPath('Travel › Flights', new Map())).toBeUndefined();
  });
});

describe('HybridCategorizer', () => {
  it('files a known brand under the lexicon’s category on a cold start, and says why', () => {
    const [top] = new HybridCategorizer(prior, context).suggest(purchase('WHOLEFDS MKT #10234 AUSTIN TX'));
    expect(top?.categoryId).toBe(idOf(brandNamed('Whole Foods').category));
    expect(top?.reasons).toContain('Whole Foods is usually filed under Food & Drink › Groceries');
  });

  it('counts the user’s earlier purchases at the merchant in its reasons', () => {
    const categorizer = new HybridCategorizer(prior, context);
    const householdId = idOf('Shopping › Household');
    for (let i = 0; i < 14; i++) categorizer.learn(purchase(`WHOLEFDS MKT #${1000 + i} AUSTIN TX`), householdId);
    const [top] = categorizer.suggest(purchase('WHOLEFDS MKT #2000 AUSTIN TX'));
    expect(top?.categoryId).toBe(householdId);
    expect(top?.confidence).toBeGreaterThan(0.9);
    const key = cleanMerchant('WHOLEFDS MKT #2000 AUSTIN TX')?.key;
    expect(top?.reasons).toContain(`matched your 14 earlier ${key} purchases`);
  });

  it('raises the confidence of a category for a merchant when the user files it there', () => {
    fc.assert(
      fc.property(history, merchantKeys, amounts, category, (earlier, key, amount, label) => {
        const categorizer = trained(earlier);
        const input = purchaseAt(key, amount);
        const confidenceOf = () => categorizer.suggest(input, 50).find(({ categoryId }) => categoryId === label)?.confidence ?? 0;
        const before = confidenceOf();
        categorizer.learn(input, label);
        expect(confidenceOf()).toBeGreaterThan(before);
      }),
      { numRuns: 60 },
    );
  });

  it('follows the user once they corrected three suggestions for a merchant to one category', () => {
    fc.assert(
      fc.property(history, fc.constantFrom(...brands), category, fc.integer({ min: 0, max: 12 }), (earlier, brand, target, agreed) => {
        const categorizer = trained(earlier);
        const key = brand.aliases[0] ?? brand.name;
        const usual = resolveDefaultPath(brand.category, ids) ?? idOf('Shopping');
        // The user first agreed with the usual category a few times, then changed their mind.
        for (let i = 0; i < agreed; i++) categorizer.learn(purchaseAt(key, -1_500, brand), usual);
        for (let i = 0; i < 3; i++) categorizer.learn(purchaseAt(key, -1_500, brand), target, { correction: true });
        expect(categorizer.suggest(purchaseAt(key, -1_500, brand))[0]?.categoryId).toBe(target);
      }),
      { numRuns: 60 },
    );
  });

  it('answers at most `limit` distinct categories, most confident first, with confidences in [0, 1] and reasons', () => {
    fc.assert(
      fc.property(history, merchantKeys, amounts, fc.integer({ min: 0, max: 8 }), (earlier, key, amount, limit) => {
        const suggestions = trained(earlier).suggest(purchaseAt(key, amount), limit);
        expect(suggestions.length).toBeLessThanOrEqual(limit);
        expect(new Set(suggestions.map(({ categoryId }) => categoryId)).size).toBe(suggestions.length);
        suggestions.forEach(({ confidence, reasons }, i) => {
          expect(confidence).toBeGreaterThanOrEqual(0);
          expect(confidence).toBeLessThanOrEqual(1);
          if (i > 0) expect(confidence).toBeLessThanOrEqual(suggestions[i - 1]?.confidence ?? 1);
          expect(reasons.length).toBeGreaterThan(0);
          expect(reasons.every((reason) => reason.length > 0)).toBe(true);
        });
        expect(suggestions.reduce((sum, { confidence }) => sum + confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips its state through JSON, suggesting the same afterwards', () => {
    fc.assert(
      fc.property(history, merchantKeys, amounts, (earlier, key, amount) => {
        const live = trained(earlier);
        const state = JSON.parse(JSON.stringify(live.toState())) as CategorizerState;
        const restored = new HybridCategorizer(prior, context, state);
        expect(restored.toState()).toEqual(state);
        const input = purchaseAt(key, amount);
        const before = live.suggest(input, 3);
        const after = restored.suggest(input, 3);
        // Weights are stored at 1/1024 precision: confidences agree closely, not bit for bit.
        after.forEach((suggestion, i) => expect(Math.abs(suggestion.confidence - (before[i]?.confidence ?? 0))).toBeLessThan(0.02));
        const [first, second] = before;
        if (first !== undefined && first.confidence - (second?.confidence ?? 0) > 0.02) expect(after[0]?.categoryId).toBe(first.categoryId);
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same labels in the same order give the same state and suggestions', () => {
    fc.assert(
      fc.property(history, merchantKeys, amounts, (earlier, key, amount) => {
        const first = trained(earlier);
        const second = trained(earlier);
        expect(second.toState()).toEqual(first.toState());
        expect(second.suggest(purchaseAt(key, amount))).toEqual(first.suggest(purchaseAt(key, amount)));
      }),
      { numRuns: 30 },
    );
  });

  it('never suggests an inactive or forgotten category', () => {
    const categorizer = new HybridCategorizer(prior, context);
    const groceries = idOf('Food & Drink › Groceries');
    for (let i = 0; i < 5; i++) categorizer.learn(purchase(`SAFEWAY #${100 + i} DENVER CO`), groceries);
    const active = new Set(allCategories.filter((id) => id !== groceries));
    const limited = new HybridCategorizer(prior, { categoryIdsByPath: ids, activeCategoryIds: active }, categorizer.toState());
    expect(limited.suggest(purchase('SAFEWAY #200 DENVER CO'), 50).some(({ categoryId }) => categoryId === groceries)).toBe(false);
    categorizer.forgetCategory(groceries);
    expect(JSON.stringify(categorizer.toState())).not.toContain(groceries);
    expect(categorizer.labelCount).toBe(0);
  });

  it('keeps a user’s state small: under 64 KB of JSON after 600 labels', () => {
    const random = new Random(11);
    const categorizer = new HybridCategorizer(prior, context);
    for (let i = 0; i < 600; i++) {
      const brand = random.pick(brands);
      categorizer.learn(purchase(`${brand.aliases[0] ?? brand.name} ${random.int(100, 9999)}`, -random.int(100, 20_000)), random.pick(allCategories));
    }
    expect(JSON.stringify(categorizer.toState()).length).toBeLessThan(64 * 1024);
  });
});

describe('the shipped prior', () => {
  it('is trained deterministically: the same seed gives the same weights', () => {
    const describe = (brand: Brand) => `POS DEBIT ${brand.aliases[0] ?? brand.name} 1234`;
    const corpusOf = () => generateCorpus({ seed: 5, brands: brands.slice(0, 40), describeBrand: describe, perBrand: 3, perTrade: 2, perFlow: 2 });
    expect(corpusOf()).toEqual(corpusOf());
    expect(trainPrior(corpusOf(), cleanMerchant).toState()).toEqual(trainPrior(corpusOf(), cleanMerchant).toState());
  });

  it('was trained on today’s lexicon (else run npm run categorizer:prior and npm run eval:categorization -- --fit)', () => {
    expect(priorWeights.corpus.lexicon).toBe(lexiconFingerprint(brands));
  });

  it('knows where descriptions with telling words go, without the lexicon', () => {
    const top = (description: string) => prior.predictPaths(extractFeatures({ description, merchantKey: cleanMerchant(description)?.key, amount: -2_500 }))[0]?.path;
    expect(top('SQ *WILLOW PIZZA')).toBe('Food & Drink › Restaurants');
    expect(top('POS DEBIT LAKESHORE DENTAL 1234')).toBe('Health › Doctor');
  });
});
