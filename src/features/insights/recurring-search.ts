import { fitsByCadence } from './cadence-candidates.ts';
import { compareFits, type Fit } from './cadence.ts';
import { repeatedAmounts, sortedByAmount } from './recurring-amounts.ts';
import type { Charge, ChargeSource, FoundStream } from './recurring-charges.ts';
import { isPlausibleStream } from './recurring-plausibility.ts';
import { joinPriceSteps } from './recurring-price-steps.ts';

/**
 * The streams among one merchant's charges of one currency and direction. The whole history is
 * tried first (a utility bill varies, its dates do not); what no cadence explains is then split
 * by repeated amounts, which finds a subscription among a shop's own purchases.
 */

/**
 * Share of consecutive charges about a slot apart before a cadence is fitted at all: a stream
 * leaves few charges off its schedule, fewer in a whole history than among a shop's charges of
 * one price.
 */
const steadyIntervals = { history: 0.4, amount: 0.25 };

export function streamsAmong(charges: readonly Charge[]): FoundStream[] {
  if (charges.length < 2) return [];
  const found: FoundStream[] = [];
  const rest = takeStreams(charges, { kind: 'history' }, found);
  const fromAmounts: FoundStream[] = [];
  // The whole history sorted by amount, once and only when wanted: for the modes when no stream
  // took any of it, else when a chance test of a mode's run asks.
  let sorted: readonly Charge[] | undefined;
  const historyByAmount = () => (sorted ??= sortedByAmount(charges));
  for (const mode of repeatedAmounts(rest === charges ? historyByAmount() : sortedByAmount(rest))) takeStreams(mode, { kind: 'amount', historyByAmount }, fromAmounts);
  return [...found, ...joinPriceSteps(fromAmounts)];
}

/** Streams taken from `charges` one after another while one fits; returns the charges left. */
function takeStreams(charges: readonly Charge[], source: ChargeSource, into: FoundStream[]): readonly Charge[] {
  let rest = charges;
  for (;;) {
    const fit = bestStreamFit(rest, source);
    if (fit === null) return rest;
    const members = new Set(fit.members);
    into.push({ charges: rest, fit });
    rest = rest.filter((_, index) => !members.has(index));
  }
}

/** The best fit over all cadences that passes as a stream: per cadence, the best-ranked candidate that does. */
function bestStreamFit(charges: readonly Charge[], source: ChargeSource): Fit | null {
  let best: Fit | null = null;
  // Two charges of one amount at a shop are a stream only a year apart (an annual membership).
  const only = source.kind === 'amount' && charges.length === 2 ? 'yearly' : undefined;
  for (const candidates of fitsByCadence(charges, { only, steadyShare: steadyIntervals[source.kind] })) {
    const fit = candidates.find((candidate) => isPlausibleStream(candidate, charges, source));
    if (fit !== undefined && (best === null || compareFits(fit, best) < 0)) best = fit;
  }
  return best;
}
