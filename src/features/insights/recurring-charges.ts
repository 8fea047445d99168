import type { Fit, Occurrence } from './cadence.ts';
import { calendarDayOf } from './day-numbers.ts';
import type { LedgerEntry } from './types.ts';

/**
 * The charges the recurring-stream model fits, grouped per merchant and currency, and the
 * shapes it passes between its steps: a stream found, and where its candidate charges came from.
 */

/** A ledger entry as the fitting reads it; `order` is its place in the ledger, which breaks ties. */
export type Charge = Occurrence & { entry: LedgerEntry; order: number };

/** A stream found: the charges it was fitted on, in date order, and the fit that keeps some of them. */
export type FoundStream = { charges: readonly Charge[]; fit: Fit };

/**
 * Where a candidate's charges come from: a merchant's whole history, or its charges of one
 * amount (with the whole history by amount, to tell a stream from a coincidence of prices).
 */
export type ChargeSource = { kind: 'history' } | { kind: 'amount'; historyByAmount: () => readonly Charge[] };

export type MerchantCharges = { outflows: Charge[]; inflows: Charge[] };

/**
 * Charges per merchant and currency, out and in, in the entries' (date, id) order. Maps nested
 * by merchant key and currency: a key string built per entry cost more than all the fitting.
 */
export function chargesByMerchant(entries: readonly LedgerEntry[]): MerchantCharges[] {
  const groups: MerchantCharges[] = [];
  const byMerchant = new Map<string, Map<string, MerchantCharges>>();
  entries.forEach((entry, order) => {
    if (entry.merchantKey === null || entry.amount === 0) return;
    let byCurrency = byMerchant.get(entry.merchantKey);
    if (byCurrency === undefined) byMerchant.set(entry.merchantKey, (byCurrency = new Map()));
    let group = byCurrency.get(entry.currency);
    if (group === undefined) {
      group = { outflows: [], inflows: [] };
      byCurrency.set(entry.currency, group);
      groups.push(group);
    }
    const { day, month, dayOfMonth } = calendarDayOf(entry.date);
    (entry.amount < 0 ? group.outflows : group.inflows).push({ day, month, dayOfMonth, magnitude: Math.abs(entry.amount), entry, order });
  });
  return groups;
}

/** The charges a fit keeps, in date order. */
export const membersOf = (stream: FoundStream): Charge[] => stream.fit.members.map((index) => stream.charges[index] as Charge);
export const firstMemberOf = (fit: Fit, charges: readonly Charge[]): Charge => charges[fit.members[0] as number] as Charge;
export const lastMemberOf = (fit: Fit, charges: readonly Charge[]): Charge => charges[fit.members[fit.members.length - 1] as number] as Charge;
