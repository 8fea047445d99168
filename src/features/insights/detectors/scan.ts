// One causal pass over a currency's ledger: each outflow is judged by every detector against the
// state built from the entries before it, then added to that state.
import type { LedgerEntry } from '../types.ts';
import { cardTestingFindings, cardTestingSettings, tinyLimitOf, type YoungCharge } from './card-testing.ts';
import type { Charge, CurrencyContext, Finding, UserLevels } from './charge.ts';
import { duplicateAt, refunded, type Refund } from './duplicate.ts';
import { amountWindow, emptyMerchantHistory, recordCharge, sameAmountBefore, type MerchantHistory } from './merchant-history.ts';
import { newMerchantAt } from './new-merchant.ts';
import { priceIncreaseAt } from './price-increase.ts';
import { RecentMagnitudes, SortedWindow } from './robust-stats.ts';
import { spikeAt } from './spike.ts';

// Math's functions bound once: where the code runs in a vm context (jest), every global lookup is slow.
const { log } = Math;

const levelWindowDays = 365;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date. */
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}

/** Where each merchant first appears, in or out, in any currency. */
export type FirstSeen = ReadonlyMap<string, { day: number; id: string }>;

export function firstSeenOf(entries: readonly LedgerEntry[]): FirstSeen {
  const firstSeen = new Map<string, { day: number; id: string }>();
  for (const entry of entries) {
    if (entry.merchantKey !== null && !firstSeen.has(entry.merchantKey)) firstSeen.set(entry.merchantKey, { day: dayNumber(entry.date), id: entry.id });
  }
  return firstSeen;
}

function refundsByMerchant(entries: readonly LedgerEntry[]): Map<string, Refund[]> {
  const refunds = new Map<string, Refund[]>();
  for (const entry of entries) {
    if (entry.amount <= 0 || entry.merchantKey === null) continue;
    const list = refunds.get(entry.merchantKey) ?? [];
    list.push({ day: dayNumber(entry.date), magnitude: entry.amount });
    refunds.set(entry.merchantKey, list);
  }
  return refunds;
}

/** The more telling of two findings on one charge: a specific explanation beats a generic one, else the higher score. */
function preferred(a: Finding | null, b: Finding | null): Finding | null {
  if (a === null || b === null) return a ?? b;
  if (a.kind === 'price_increase' && b.kind === 'spike') return a;
  if (b.kind === 'price_increase' && a.kind === 'spike') return b;
  return b.score > a.score ? b : a;
}

type ScanState = {
  merchants: Map<string, MerchantHistory>;
  categories: Map<string, SortedWindow>;
  recent: RecentMagnitudes;
  levels: UserLevels;
  levelsDay: number;
  firstDay: number;
  findings: Map<number, Finding>;
  young: YoungCharge[];
};

function refreshLevels(state: ScanState, day: number): void {
  if (day === state.levelsDay) return;
  state.recent.expire(day);
  const [median = NaN, p95 = NaN] = state.recent.quantiles([0.5, 0.95]);
  state.levels = { outflows: state.recent.count, median, p95, historyDays: day - state.firstDay };
  state.levelsDay = day;
}

type Inputs = { firstSeen: FirstSeen; refunds: ReadonlyMap<string, readonly Refund[]>; context: CurrencyContext };

/** `merchant` and `category`: what came before this charge (undefined: nothing yet). */
function judge(charge: Charge, merchant: MerchantHistory | undefined, category: SortedWindow | undefined, state: ScanState, inputs: Inputs): void {
  const { firstSeen, refunds, context } = inputs;
  const seen = firstSeen.get(charge.merchantKey);
  const seenDay = seen?.day ?? charge.day;
  let finding = spikeAt(charge, merchant, category, state.levels, context);
  finding = preferred(finding, duplicateAt(charge, merchant, refunds, state.levels, context));
  finding = preferred(finding, newMerchantAt(charge, seen?.id === charge.entry.id, state.levels, context));
  finding = preferred(finding, priceIncreaseAt(charge, merchant, context));
  if (finding !== null) state.findings.set(charge.index, finding);
  if (seenDay >= charge.day - 2 * cardTestingSettings.burstDays) {
    state.young.push({ charge, tinyLimit: tinyLimitOf(state.levels, context), firstSeenDay: seenDay, large: charge.magnitude > state.levels.p95 });
  }
}

function record(charge: Charge, merchant: MerchantHistory | undefined, category: SortedWindow | undefined, state: ScanState, inputs: Inputs): void {
  if (merchant === undefined) state.merchants.set(charge.merchantKey, (merchant = emptyMerchantHistory()));
  // Only refunds up to this charge's day: what the merchant's habits are must not depend on later entries.
  const original = sameAmountBefore(merchant, charge);
  recordCharge(merchant, charge, original !== undefined && refunded(charge, original, inputs.refunds, 0));
  const categoryId = charge.entry.categoryId;
  if (categoryId === null) return;
  if (category === undefined) state.categories.set(categoryId, (category = new SortedWindow(amountWindow)));
  category.add(charge.log);
}

/** Every finding in one currency's ledger (sorted by date, then id), keyed by position in it. */
export function scanCurrency(entries: readonly LedgerEntry[], firstSeen: FirstSeen, context: CurrencyContext): Map<number, Finding> {
  const inputs: Inputs = { firstSeen, refunds: refundsByMerchant(entries), context };
  const first = entries[0];
  const state: ScanState = {
    merchants: new Map(),
    categories: new Map(),
    recent: new RecentMagnitudes(levelWindowDays),
    levels: { outflows: 0, median: NaN, p95: NaN, historyDays: 0 },
    levelsDay: NaN,
    firstDay: first === undefined ? 0 : dayNumber(first.date),
    findings: new Map(),
    young: [],
  };
  let lastDate = '';
  let day = 0;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] as LedgerEntry;
    if (entry.date !== lastDate) day = dayNumber((lastDate = entry.date));
    if (entry.amount >= 0) continue;
    refreshLevels(state, day);
    const magnitude = -entry.amount;
    if (entry.merchantKey !== null) {
      const charge: Charge = { entry, index, day, magnitude, log: log(magnitude), merchantKey: entry.merchantKey, name: entry.merchant ?? entry.merchantKey };
      const merchant = state.merchants.get(charge.merchantKey);
      const category = entry.categoryId === null ? undefined : state.categories.get(entry.categoryId);
      judge(charge, merchant, category, state, inputs);
      record(charge, merchant, category, state, inputs);
    }
    state.recent.add(day, magnitude);
  }
  for (const [index, finding] of cardTestingFindings(state.young, context)) state.findings.set(index, finding);
  return state.findings;
}
