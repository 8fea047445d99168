import { bestFitOf } from './cadence-candidates.ts';
import { cadenceRules, type Fit } from './cadence.ts';
import { chargesBetweenAmounts, median, medianStepChange, relativeSpread } from './recurring-amounts.ts';
import { firstMemberOf, lastMemberOf, membersOf, type Charge, type ChargeSource, type FoundStream } from './recurring-charges.ts';

/**
 * Whether a fit of a cadence is a stream and not something that looks like one: purchases that
 * repeat a price by coincidence, a habit drifting through a cadence's windows, a pair of visits
 * a year apart, or refunds of purchases.
 */

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
/** Days before a refund that the purchase it gives back is looked for. */
const refundDays = 90;

/**
 * Whether a fit is a stream: enough charges on schedule with few slots skipped and few strays,
 * amounts steady enough for its count and cadence, and no coincidence of prices or habit.
 */
export function isPlausibleStream(fit: Fit, charges: readonly Charge[], source: ChargeSource): boolean {
  const count = fit.members.length;
  const cadence = fit.schedule.cadence;
  const amounts = fit.members.map((index) => (charges[index] as Charge).magnitude);
  if (count < cadenceRules[cadence].minCount || fit.misses > Math.floor(missShare * (count + fit.misses))) return false;
  // A shop's purchases repeat its prices by chance; how often is for the chance test to judge.
  if (fit.extras > Math.floor((source.kind === 'history' ? extraShare : extraShareAmongPurchases) * count)) return false;
  if (count === 2 && !isTellingPair(fit, amounts, source)) return false;
  if (count > 2 && medianStepChange(amounts) > erraticAmounts) return false;
  if ((cadence === 'weekly' || cadence === 'biweekly') && relativeSpread(amounts) > steadyPair && !keepsItsDay(fit)) return false;
  return !isCoincidence(fit, charges, source);
}

/**
 * Two charges make a stream only at one steady amount and, when picked out of a shop's other
 * purchases, only a year apart and at an amount the shop's prices rarely repeat at by chance.
 */
function isTellingPair(fit: Fit, amounts: readonly number[], source: ChargeSource): boolean {
  if (fit.extras > 0 || relativeSpread(amounts) > steadyPair) return false;
  // A renewal comes back on its date (give or take a weekend); two visits a year apart rarely do.
  const drift = Math.abs((fit.residuals[1] as number) - (fit.residuals[0] as number));
  if (source.kind === 'history') return drift <= pairDrift.history;
  if (fit.schedule.cadence !== 'yearly' || drift > pairDrift.amount) return false;
  const amount = amounts[0] as number;
  const nearby = chargesBetweenAmounts(source.historyByAmount(), amount / 1.05, amount * 1.05).length;
  // Pairs expected among `nearby` charges spread over the window's cents.
  return (nearby * (nearby - 1)) / 2 / Math.max(1, 0.1 * amount) <= chancePairs;
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
function isCoincidence(fit: Fit, charges: readonly Charge[], source: ChargeSource): boolean {
  const rule = cadenceRules[fit.schedule.cadence];
  const members = new Set(fit.members.map((index) => charges[index] as Charge));
  const amounts = [...members].map((charge) => charge.magnitude);
  const tolerance = source.kind === 'history' ? 0.1 : 0.02;
  const [low, high] = [Math.min(...amounts) / (1 + tolerance), Math.max(...amounts) * (1 + tolerance)];
  const alike =
    source.kind === 'history'
      ? charges.filter((charge) => members.has(charge) || (charge.magnitude >= low && charge.magnitude <= high))
      : [...chargesBetweenAmounts(source.historyByAmount(), low, high)].sort((a, b) => a.order - b.order);
  // A run that holds nearly all its alike charges is no chance pick among them.
  if (alike.length - members.size < Math.max(2, habitShare * members.size)) return false;
  const span = (alike[alike.length - 1] as Charge).day - (alike[0] as Charge).day + 1;
  const starts = Math.max(1, span / rule.meanDays - members.size + 1);
  // The window is as wide as the run's own spread of days (and a day either side), never wider
  // than the cadence allows: a renewal on the same date every year is no chance at any rate.
  const window = Math.min(rule.early + rule.late + 1, Math.max(...fit.residuals) - Math.min(...fit.residuals) + 3);
  if (starts * chanceAllWindowsHit(members.size, alike.length, window / span) > chanceRuns) return true;
  const [first, last] = [firstMemberOf(fit, charges).order, lastMemberOf(fit, charges).order];
  return isDriftingHabit(fit, charges, alike.filter((charge) => charge.order < first || charge.order > last));
}

/**
 * The chance that `windows` disjoint windows, each a `share` of the span, all get one of
 * `points` uniform random points or more: inclusion–exclusion while it is exact in floating
 * point, else the product of the windows' chances (an upper bound: the windows compete for points).
 */
function chanceAllWindowsHit(windows: number, points: number, share: number): number {
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

/**
 * Whether charges like the run's go on before or after it at about a slot's rate without being
 * a regular run of their own: a habit that drifted through a cadence's windows for a while (a
 * haircut every five weeks), not a stream. A stream that stopped and restarted is a run of its own.
 */
function isDriftingHabit(fit: Fit, charges: readonly Charge[], outside: readonly Charge[]): boolean {
  if (outside.length < Math.max(2, habitShare * fit.members.length)) return false;
  const cadence = fit.schedule.cadence;
  const before = Math.max(0, firstMemberOf(fit, charges).day - (outside[0] as Charge).day);
  const after = Math.max(0, (outside[outside.length - 1] as Charge).day - lastMemberOf(fit, charges).day);
  if (outside.length < habitRate * ((before + after) / cadenceRules[cadence].meanDays)) return false;
  const own = bestFitOf(outside, cadence);
  return own === undefined || own.members.length < 0.8 * outside.length || !isRegular(own);
}

/** Few slots skipped, few charges off schedule. */
function isRegular(fit: Fit): boolean {
  const count = fit.members.length;
  return fit.misses <= Math.floor(missShare * (count + fit.misses)) && fit.extras <= Math.floor(extraShare * count) + 1;
}

/** Whether most of an inflow stream's charges give back a purchase of the same amount at the merchant shortly before: refunds, not income. */
export function isRefunds(stream: FoundStream, outflows: readonly Charge[]): boolean {
  if (outflows.length === 0) return false;
  const purchaseDays = new Map<number, number[]>();
  for (const charge of outflows) {
    const days = purchaseDays.get(charge.magnitude);
    if (days === undefined) purchaseDays.set(charge.magnitude, [charge.day]);
    else days.push(charge.day);
  }
  const members = membersOf(stream);
  const givenBack = members.filter((refund) => (purchaseDays.get(refund.magnitude) ?? []).some((day) => day <= refund.day && day >= refund.day - refundDays));
  return givenBack.length * 2 >= members.length;
}
