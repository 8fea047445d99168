/**
 * Transactions that look wrong, each with a sentence saying why: spikes at a usual merchant,
 * duplicate charges, large first charges at new merchants, recurring charges whose price went up,
 * and bursts of tiny charges that test a stolen card (the rules in detectors/).
 *
 * Causal: a transaction is judged only against the entries before it (duplicates and card-testing
 * bursts look at most 2 days ahead), so a finding on a past transaction stays put as history
 * grows, and a caller asking for a date range filters this list.
 */
import { currencyExponents } from '../../money/currencies.ts';
import type { Finding } from './detectors/charge.ts';
import { firstSeenOf, scanCurrency } from './detectors/scan.ts';
import { moneyText } from './detectors/wording.ts';
import type { Anomaly, LedgerEntry } from './types.ts';

export type AnomalyOptions = {
  /** Minor-unit exponent of a currency (default: ISO 4217, 2 when unknown). */
  exponentOf?: (currency: string) => number;
};

const isoExponent = (currency: string): number => (currencyExponents as Record<string, number>)[currency] ?? 2;

function byCurrency(entries: readonly LedgerEntry[]): Map<string, readonly LedgerEntry[]> {
  const only = entries[0]?.currency;
  if (entries.every((entry) => entry.currency === only)) return new Map(only === undefined ? [] : [[only, entries]]);
  const groups = new Map<string, LedgerEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.currency);
    if (group === undefined) groups.set(entry.currency, [entry]);
    else group.push(entry);
  }
  return groups;
}

function toAnomaly(entry: LedgerEntry, finding: Finding): Anomaly {
  return {
    transactionId: entry.id,
    kind: finding.kind,
    score: Math.min(1, Math.max(0, finding.score)),
    reason: finding.reason,
    expected: finding.expected,
    date: entry.date,
    merchantKey: entry.merchantKey,
    amount: entry.amount,
    currency: entry.currency,
  };
}

/** Most severe first, then most recent. */
function bySeverity(a: Anomaly, b: Anomaly): number {
  return b.score - a.score || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || (a.transactionId < b.transactionId ? -1 : 1);
}

/**
 * `entries`: one user's whole history sorted by date, then id, transfers left out. Only outflows
 * are candidates; each gets at most one anomaly, the most telling kind.
 */
export function detectAnomalies(entries: readonly LedgerEntry[], options: AnomalyOptions = {}): Anomaly[] {
  const exponentOf = options.exponentOf ?? isoExponent;
  const firstSeen = firstSeenOf(entries);
  const anomalies: Anomaly[] = [];
  for (const [currency, group] of byCurrency(entries)) {
    const exponent = exponentOf(currency);
    const context = { currency, exponent, money: moneyText(currency, exponent), unit: 10 ** exponent };
    for (const [index, finding] of scanCurrency(group, firstSeen, context)) anomalies.push(toAnomaly(group[index] as LedgerEntry, finding));
  }
  return anomalies.sort(bySeverity);
}
