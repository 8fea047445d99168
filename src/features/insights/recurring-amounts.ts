import type { Charge } from './recurring-charges.ts';

/**
 * The charges' amounts: sorted and searched by amount, grouped into the amounts that repeat (a
 * subscription among a shop's purchases), and how much a run's amounts vary.
 */

/** Place of a charge in `magnitude × indexRange + index` sort keys: exact below 2³² minor units. */
const indexRange = 2 ** 21;

/** Charges by magnitude, then date: one typed-array sort of packed keys, no comparator. */
export function sortedByAmount(charges: readonly Charge[]): Charge[] {
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

/** The charges of `byAmount` (sorted by magnitude) from `low` to `high`. */
export function chargesBetweenAmounts(byAmount: readonly Charge[], low: number, high: number): readonly Charge[] {
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

/**
 * The charges of each amount that repeats, most repeated first, in date order, from charges
 * sorted by amount. Amounts are grouped exactly and then those within 2 % of each other joined
 * (taxes, rounding): a shop's purchases rarely repeat to the cent, a subscription does.
 */
export function repeatedAmounts(sorted: readonly Charge[]): Charge[][] {
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

/** (max − min) / max. */
export function relativeSpread(amounts: readonly number[]): number {
  const max = Math.max(...amounts);
  return (max - Math.min(...amounts)) / max;
}

/** The median of |ln(aᵢ / aᵢ₋₁)|: a price step moves it little, purchases of any size a lot. */
export function medianStepChange(amounts: readonly number[]): number {
  const steps = amounts.slice(1).map((amount, index) => Math.abs(Math.log(amount / (amounts[index] as number))));
  return median(steps);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
