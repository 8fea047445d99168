import { dateOfDayNumber } from '../budgets/periods.ts';
import { cadenceRules, calendarDayOf, compareFits, fitsByCadence, weekdayOf, type Fit, type Occurrence } from './cadence.ts';
import type { Cadence, LedgerEntry, RecurringSeries } from './types.ts';

/**
 * Recurring streams (subscriptions, bills, salaries) in a user's history: per currency,
 * merchant and direction, the charges that keep to a cadence's calendar. A merchant's whole
 * history is tried first (a utility bill varies, its dates do not); what no cadence explains is
 * then split by repeated amounts, which finds a subscription among a shop's own purchases.
 */

type Charge = Occurrence & { entry: LedgerEntry; order: number };

/** A stream found: the charges it was fitted on, in date order, and the fit that keeps some of them. */
type Found = { charges: readonly Charge[]; fit: Fit };

/**
 * Where a candidate's charges come from: a merchant's whole history, or its charges of one
 * amount (with the whole history by amount, to tell a stream from a coincidence of prices).
 */
type Source = { kind: 'history' } | { kind: 'amount'; historyByAmount: () => readonly Charge[] };

/**
 * Share of consecutive charges about a slot apart before a cadence is fitted at all: a stream
 * leaves few charges off its schedule, fewer in a whole history than among a shop's charges of
 * one price.
 */
const steadyIntervals = { history: 0.4, amount: 0.25 };
/** Recent charges the typical amount is the median of. */
const recentCount = (cadence: Cadence) => (cadenceRules[cadence].meanDays > 60 ? 3 : 6);
/** Two charges make a long-cadence stream only when their amounts are this close, */
const steadyPair = 0.05;
/** and their days this close to the same place in their slots (a weekend shift; none for a card renewal among purchases). */
const pairDrift = { history: 4, amount: 2 };
/** The median change between consecutive amounts above which the charges are purchases, not a bill. */
const erraticAmounts = 0.35;
/** Share of a run's slots that may be skipped, and share of charges inside it that may be off schedule. */
const missShare = 0.2;
const extraShare = 0.25;
/** The same, for charges of one amount picked out of a shop's purchases. */
const extraShareAmongPurchases = 0.5;
/** Charges like a run's before or after it, per slot and as a share of the run, that make it a habit drifting through a cadence's windows. */
const habitRate = 0.5;
const habitShare = 0.25;
/** Runs as long expected by chance, at the rate of the charges like the run's, above which the run proves nothing. */
const chanceRuns = 0.001;
/** Weekly and biweekly charges of varying amounts need this share of their dates within a day of the usual offset. */
const steadyDates = 0.75;
/** Expected chance pairs of one amount (in the history's density about it) above which a pair proves nothing. */
const chancePairs = 0.02;

export function detectRecurring(entries: readonly LedgerEntry[], today: string): RecurringSeries[] {
  const todayDay = calendarDayOf(today).day;
  const series: RecurringSeries[] = [];
  for (const charges of chargesByStreamKey(entries)) {
    for (const found of streamsOf(charges)) series.push(seriesOf(found, todayDay));
  }
  return series.sort(byStateThenNextDate);
}

/**
 * Charges per merchant, currency and direction, in the entries' (date, id) order. Maps nested
 * by merchant key and currency: a key string built per entry cost more than all the fitting.
 */
function chargesByStreamKey(entries: readonly LedgerEntry[]): Charge[][] {
  const groups: Charge[][] = [];
  const byMerchant = new Map<string, Map<string, [Charge[], Charge[]]>>();
  entries.forEach((entry, order) => {
    if (entry.merchantKey === null || entry.amount === 0) return;
    let byCurrency = byMerchant.get(entry.merchantKey);
    if (byCurrency === undefined) byMerchant.set(entry.merchantKey, (byCurrency = new Map()));
    let directions = byCurrency.get(entry.currency);
    if (directions === undefined) {
      directions = [[], []];
      byCurrency.set(entry.currency, directions);
      groups.push(...directions);
    }
    const { day, month, dayOfMonth } = calendarDayOf(entry.date);
    directions[entry.amount < 0 ? 0 : 1].push({ day, month, dayOfMonth, magnitude: Math.abs(entry.amount), entry, order });
  });
  return groups.filter((group) => group.length >= 2);
}

function streamsOf(charges: readonly Charge[]): Found[] {
  const found: Found[] = [];
  const rest = takeStreams(charges, { kind: 'history' }, found);
  const fromAmounts: Found[] = [];
  let sorted: readonly Charge[] | undefined;
  const historyByAmount = () => (sorted ??= byAmount(charges));
  for (const mode of amountModes(rest === charges ? historyByAmount() : byAmount(rest))) takeStreams(mode, { kind: 'amount', historyByAmount }, fromAmounts);
  return [...found, ...joinPriceSteps(fromAmounts)];
}

/** Streams taken from `charges` one after another while one fits; returns the charges left. */
function takeStreams(charges: readonly Charge[], source: Source, into: Found[]): readonly Charge[] {
  let rest = charges;
  for (;;) {
    const fit = bestStreamFit(rest, source);
    if (fit === null) return rest;
    const members = new Set(fit.members);
    into.push({ charges: rest, fit });
    rest = rest.filter((_, index) => !members.has(index));
  }
}

function bestStreamFit(charges: readonly Charge[], source: Source): Fit | null {
  let best: Fit | null = null;
  // Two charges of one amount at a shop are a stream only a year apart (an annual membership).
  const only = source.kind === 'amount' && charges.length === 2 ? 'yearly' : undefined;
  for (const fit of fitsByCadence(charges, { only, steadyShare: steadyIntervals[source.kind] })) {
    if (isStream(fit, charges, source) && (best === null || compareFits(fit, best) < 0)) best = fit;
  }
  return best;
}

function isStream(fit: Fit, charges: readonly Charge[], source: Source): boolean {
  const count = fit.members.length;
  const cadence = fit.schedule.cadence;
  const amounts = fit.members.map((index) => (charges[index] as Charge).magnitude);
  if (count < cadenceRules[cadence].minCount || fit.misses > Math.floor(missShare * (count + fit.misses))) return false;
  // A shop's purchases repeat its prices by chance; how often is for the chance test to judge.
  if (fit.extras > Math.floor((source.kind === 'history' ? extraShare : extraShareAmongPurchases) * count)) return false;
  if (count === 2 && !isTellingPair(fit, amounts, source)) return false;
  if (count > 2 && medianStepChange(amounts) > erraticAmounts) return false;
  if ((cadence === 'weekly' || cadence === 'biweekly') && relativeSpread(amounts) > steadyPair && !keepsItsDay(fit)) return false;
  return !isChance(fit, charges, source);
}

/**
 * Two charges make a stream only at one steady amount and, when picked out of a shop's other
 * purchases, only a year apart and at an amount the shop's prices rarely repeat at by chance.
 */
function isTellingPair(fit: Fit, amounts: readonly number[], source: Source): boolean {
  if (fit.extras > 0 || relativeSpread(amounts) > steadyPair) return false;
  // A renewal comes back on its date (give or take a weekend); two visits a year apart rarely do.
  const drift = Math.abs((fit.residuals[1] as number) - (fit.residuals[0] as number));
  if (source.kind === 'history') return drift <= pairDrift.history;
  if (fit.schedule.cadence !== 'yearly' || drift > pairDrift.amount) return false;
  const amount = amounts[0] as number;
  const nearby = withinAmounts(source.historyByAmount(), amount / 1.05, amount * 1.05).length;
  // Pairs expected among `nearby` charges spread over the window's cents.
  return (nearby * (nearby - 1)) / 2 / Math.max(1, 0.1 * amount) <= chancePairs;
}

/** The charges of `byAmount` (sorted by magnitude) from `low` to `high`. */
function withinAmounts(byAmount: readonly Charge[], low: number, high: number): readonly Charge[] {
  const firstAtLeast = (value: number) => {
    let [from, to] = [0, byAmount.length];
    while (from < to) {
      const middle = (from + to) >> 1;
      if ((byAmount[middle] as Charge).magnitude < value) from = middle + 1;
      else to = middle;
    }
    return from;
  };
  return byAmount.slice(firstAtLeast(low), firstAtLeast(high + 1e-9));
}

/** Whether most charges land within a day of the run's usual offset from its slots (pay on Fridays, not fuel every 5–12 days). */
function keepsItsDay(fit: Fit): boolean {
  const usual = median(fit.residuals);
  return fit.residuals.filter((residual) => Math.abs(residual - usual) <= 1).length >= steadyDates * fit.residuals.length;
}

/**
 * Whether purchases of the run's amounts could have made it by chance: if all of the merchant's
 * charges like the run's were spread at random over their span, how many runs this long would
 * find a charge in every slot's window as tight as the run's (a latte at $5.25 on five
 * Tuesdays, three App Store buys a month apart). Alike is within 10 % of the run's amounts, or
 * 2 % for a run picked by its amount. A run with few alike charges besides its own is never chance.
 */
function isChance(fit: Fit, charges: readonly Charge[], source: Source): boolean {
  const rule = cadenceRules[fit.schedule.cadence];
  const members = new Set(fit.members.map((index) => charges[index] as Charge));
  const amounts = [...members].map((charge) => charge.magnitude);
  const tolerance = source.kind === 'history' ? 0.1 : 0.02;
  const [low, high] = [Math.min(...amounts) / (1 + tolerance), Math.max(...amounts) * (1 + tolerance)];
  const alike =
    source.kind === 'history'
      ? charges.filter((charge) => members.has(charge) || (charge.magnitude >= low && charge.magnitude <= high))
      : [...withinAmounts(source.historyByAmount(), low, high)].sort((a, b) => a.order - b.order);
  // A run that holds nearly all its alike charges is no chance pick among them.
  if (alike.length - members.size < Math.max(2, habitShare * members.size)) return false;
  const span = (alike[alike.length - 1] as Charge).day - (alike[0] as Charge).day + 1;
  const starts = Math.max(1, span / rule.meanDays - members.size + 1);
  // The window is as wide as the run's own spread of days (and a day either side), never wider
  // than the cadence allows: a renewal on the same date every year is no chance at any rate.
  const window = Math.min(rule.early + rule.late + 1, Math.max(...fit.residuals) - Math.min(...fit.residuals) + 3);
  if (starts * allWindowsHit(members.size, alike.length, window / span) > chanceRuns) return true;
  const [first, last] = [firstCharge(fit, charges).order, lastCharge(fit, charges).order];
  return isDriftingHabit(fit, charges, alike.filter((charge) => charge.order < first || charge.order > last));
}

/**
 * The chance that `windows` disjoint windows, each a `share` of the span, all get one of
 * `points` uniform random points or more: inclusion–exclusion while it is exact in floating
 * point, else the product of the windows' chances (an upper bound: the windows compete for points).
 */
function allWindowsHit(windows: number, points: number, share: number): number {
  if (windows * share >= 1) return 1;
  if (windows > 20) return (1 - (1 - share) ** points) ** windows;
  let sum = 0;
  let binomial = 1;
  for (let j = 0; j <= windows; j++) {
    sum += (j % 2 === 0 ? 1 : -1) * binomial * (1 - j * share) ** points;
    binomial = (binomial * (windows - j)) / (j + 1);
  }
  return Math.min(1, Math.max(0, sum));
}

const firstCharge = (fit: Fit, charges: readonly Charge[]) => charges[fit.members[0] as number] as Charge;
const lastCharge = (fit: Fit, charges: readonly Charge[]) => charges[fit.members[fit.members.length - 1] as number] as Charge;

/**
 * Whether charges like the run's go on before or after it at about a slot's rate without being
 * a regular run of their own: a habit that drifted through a cadence's windows for a while (a
 * haircut every five weeks), not a stream. A stream that stopped and restarted is a run of its own.
 */
function isDriftingHabit(fit: Fit, charges: readonly Charge[], outside: readonly Charge[]): boolean {
  if (outside.length < Math.max(2, habitShare * fit.members.length)) return false;
  const cadence = fit.schedule.cadence;
  const before = Math.max(0, firstCharge(fit, charges).day - (outside[0] as Charge).day);
  const after = Math.max(0, (outside[outside.length - 1] as Charge).day - lastCharge(fit, charges).day);
  if (outside.length < habitRate * ((before + after) / cadenceRules[cadence].meanDays)) return false;
  const [own] = fitsByCadence(outside, { only: cadence });
  return own === undefined || own.members.length < 0.8 * outside.length || !isRegular(own);
}

/** Few slots skipped, few charges off schedule. */
function isRegular(fit: Fit): boolean {
  const count = fit.members.length;
  return fit.misses <= Math.floor(missShare * (count + fit.misses)) && fit.extras <= Math.floor(extraShare * count) + 1;
}

/** (max − min) / max. */
function relativeSpread(amounts: readonly number[]): number {
  const max = Math.max(...amounts);
  return (max - Math.min(...amounts)) / max;
}

/** The median of |ln(aᵢ / aᵢ₋₁)|: a price step moves it little, purchases of any size a lot. */
function medianStepChange(amounts: readonly number[]): number {
  const steps = amounts.slice(1).map((amount, index) => Math.abs(Math.log(amount / (amounts[index] as number))));
  return median(steps);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The charges of each amount that repeats, most repeated first, in date order, from charges
 * sorted by amount. Amounts are grouped exactly and then those within 2 % of each other joined
 * (taxes, rounding): a shop's purchases rarely repeat to the cent, a subscription does.
 */
function amountModes(sorted: readonly Charge[]): Charge[][] {
  const modes: Charge[][] = [];
  let lowest = -Infinity;
  for (let from = 0; from < sorted.length; ) {
    const amount = (sorted[from] as Charge).magnitude;
    let to = from + 1;
    while (to < sorted.length && (sorted[to] as Charge).magnitude === amount) to++;
    const last = modes[modes.length - 1];
    // Within 2 % of the mode's lowest amount, so a shop's dense prices do not chain into one mode.
    if (to - from >= 2 && last !== undefined && amount <= lowest * 1.02) {
      last.push(...sorted.slice(from, to));
    } else if (to - from >= 2) {
      modes.push(sorted.slice(from, to));
      lowest = amount;
    }
    from = to;
  }
  for (const mode of modes) mode.sort((a, b) => a.order - b.order);
  return modes.sort((a, b) => b.length - a.length);
}

/** Place of a charge in `magnitude × indexRange + index` sort keys: exact below 2³² minor units. */
const indexRange = 2 ** 21;

/** Charges by magnitude, then date: one typed-array sort of packed keys, no comparator. */
function byAmount(charges: readonly Charge[]): Charge[] {
  const keys = new Float64Array(charges.length);
  for (let index = 0; index < charges.length; index++) {
    const magnitude = (charges[index] as Charge).magnitude;
    if (magnitude >= 2 ** 32 || charges.length > indexRange) return [...charges].sort((a, b) => a.magnitude - b.magnitude || a.order - b.order);
    keys[index] = magnitude * indexRange + index;
  }
  keys.sort();
  const sorted = new Array<Charge>(keys.length);
  for (let at = 0; at < keys.length; at++) {
    const key = keys[at] as number;
    sorted[at] = charges[key - Math.floor(key / indexRange) * indexRange] as Charge;
  }
  return sorted;
}

/**
 * A price increase splits a subscription into two amounts: where one stream of them stops and
 * another of the same cadence starts about a slot later at a nearby price, they are one stream.
 */
function joinPriceSteps(found: readonly Found[]): Found[] {
  const streams = [...found].sort((a, b) => firstDay(a) - firstDay(b));
  for (let i = 0; i < streams.length; i++) {
    for (let j = i + 1; j < streams.length; j++) {
      const joined = joinedStep(streams[i] as Found, streams[j] as Found);
      if (joined === null) continue;
      streams.splice(j, 1);
      streams[i] = joined;
      j = i;
    }
  }
  return streams;
}

/** The two streams as one, when the later one takes over from the earlier at a new price; else null. */
function joinedStep(earlier: Found, later: Found): Found | null {
  const cadence = earlier.fit.schedule.cadence;
  if (later.fit.schedule.cadence !== cadence) return null;
  const gap = firstDay(later) - lastDay(earlier);
  const rule = cadenceRules[cadence];
  if (gap <= 0 || gap > 1.5 * rule.meanDays + rule.late) return null;
  const ratio = lastMember(later).magnitude / lastMember(earlier).magnitude;
  if (ratio < 0.6 || ratio > 1.7) return null;
  const charges = [...membersOf(earlier), ...membersOf(later)];
  const [fit] = fitsByCadence(charges, { only: cadence });
  return fit !== undefined && fit.members.length === charges.length && isStream(fit, charges, { kind: 'history' }) ? { charges, fit } : null;
}

const membersOf = (found: Found) => found.fit.members.map((index) => found.charges[index] as Charge);
const lastMember = (found: Found) => found.charges[found.fit.members[found.fit.members.length - 1] as number] as Charge;
const firstDay = (found: Found) => (found.charges[found.fit.members[0] as number] as Charge).day;
const lastDay = (found: Found) => lastMember(found).day;

function seriesOf(found: Found, today: number): RecurringSeries {
  const members = membersOf(found);
  const { fit } = found;
  const cadence = fit.schedule.cadence;
  const first = members[0] as Charge;
  const last = members[members.length - 1] as Charge;
  const recent = members.slice(-recentCount(cadence)).map((charge) => charge.magnitude);
  const typicalAmount = Math.round(median(recent));
  const lastSlot = fit.slots[fit.slots.length - 1] as number;
  const next = expectedDay(found, lastSlot + 1);
  return {
    merchant: last.entry.merchant ?? (last.entry.merchantKey as string),
    merchantKey: last.entry.merchantKey as string,
    currency: last.entry.currency,
    categoryId: mostCommonCategory(members),
    cadence,
    typicalAmount,
    lastAmount: last.magnitude,
    amountVariation: Math.round((10_000 * Math.max(...recent.map((amount) => Math.abs(amount - typicalAmount)))) / typicalAmount) / 10_000,
    firstDate: first.entry.date,
    lastDate: last.entry.date,
    nextExpectedDate: dateOfDayNumber(next),
    transactionCount: members.length,
    transactionIds: members.map((charge) => charge.entry.id),
    lastTransactionId: last.entry.id,
    direction: last.entry.amount < 0 ? 'outflow' : 'inflow',
    state: stateAt(today, next, expectedDay(found, lastSlot + 2), cadenceRules[cadence].grace),
  };
}

function stateAt(today: number, next: number, afterNext: number, grace: number): RecurringSeries['state'] {
  if (today > afterNext + grace) return 'ended';
  return today > next + grace ? 'late' : 'active';
}

/**
 * Slot `slot`'s day, moved off a weekend the way this stream's charges were: a stream that never
 * landed on a weekend and was paid before (or after) one will be again.
 */
function expectedDay(found: Found, slot: number): number {
  const { fit } = found;
  const nominal = fit.schedule.slotDay(slot);
  const weekday = weekdayOf(nominal);
  if (weekday !== 0 && weekday !== 6) return nominal;
  if (membersOf(found).some((charge) => isWeekend(charge.day))) return nominal;
  let earlier = 0;
  let later = 0;
  fit.slots.forEach((memberSlot, index) => {
    if (!isWeekend(fit.schedule.slotDay(memberSlot))) return;
    const residual = fit.residuals[index] as number;
    if (residual < 0) earlier++;
    else if (residual > 0) later++;
  });
  // No slot of the past fell on a weekend: nothing says the stream avoids them.
  if (earlier + later === 0) return nominal;
  if (earlier > later) return nominal - (weekday === 6 ? 1 : 2);
  return nominal + (weekday === 6 ? 2 : 1);
}

const isWeekend = (day: number) => {
  const weekday = weekdayOf(day);
  return weekday === 0 || weekday === 6;
};

/** The category most of the charges have; a tie goes to the most recent of them. */
function mostCommonCategory(charges: readonly Charge[]): string | null {
  const counts = new Map<string | null, number>();
  let best: string | null = null;
  let bestCount = 0;
  for (const charge of charges) {
    const count = (counts.get(charge.entry.categoryId) ?? 0) + 1;
    counts.set(charge.entry.categoryId, count);
    if (count >= bestCount) [best, bestCount] = [charge.entry.categoryId, count];
  }
  return best;
}

const stateOrder: Record<RecurringSeries['state'], number> = { active: 0, late: 1, ended: 2 };

function byStateThenNextDate(a: RecurringSeries, b: RecurringSeries): number {
  return (
    stateOrder[a.state] - stateOrder[b.state] ||
    compareText(a.nextExpectedDate, b.nextExpectedDate) ||
    compareText(a.merchantKey, b.merchantKey) ||
    compareText(a.currency, b.currency) ||
    compareText(a.direction, b.direction) ||
    compareText(a.lastTransactionId, b.lastTransactionId)
  );
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
