import { merchantKey } from '../merchants/clean.ts';
import type { Dismissal } from './queries.ts';
import type { Anomaly } from './types.ts';

/** How much larger than a dismissed amount a similar one may be and still count as expected. */
export const similarAmountRatio = 1.25;

function keyOf(dismissal: Dismissal): string | null {
  return dismissal.merchant_key ?? (dismissal.merchant === null ? null : merchantKey(dismissal.merchant));
}

/**
 * The anomalies the user has not marked as expected: a dismissed transaction is never listed, nor
 * one like it — the same kind (any kind, when the dismissed one was not flagged) at the same
 * merchant, in the same currency, at most 25 % larger.
 */
export function undismissed(anomalies: readonly Anomaly[], dismissals: readonly Dismissal[]): Anomaly[] {
  if (dismissals.length === 0) return [...anomalies];
  const dismissedIds = new Set(dismissals.map((d) => d.transaction_id));
  const byMerchant = new Map<string, Dismissal[]>();
  for (const dismissal of dismissals) {
    const key = keyOf(dismissal);
    if (key === null) continue;
    byMerchant.set(key, [...(byMerchant.get(key) ?? []), dismissal]);
  }
  const isLikeDismissed = (anomaly: Anomaly) =>
    anomaly.merchantKey !== null &&
    (byMerchant.get(anomaly.merchantKey) ?? []).some(
      (d) =>
        (d.kind === null || d.kind === anomaly.kind) &&
        d.currency === anomaly.currency &&
        Math.abs(anomaly.amount) <= similarAmountRatio * Math.abs(d.amount),
    );
  return anomalies.filter((anomaly) => !dismissedIds.has(anomaly.transactionId) && !isLikeDismissed(anomaly));
}
