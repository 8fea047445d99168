/**
 * What the insight models read and answer. The models are pure: the handlers read a user's
 * ledger once (src/features/insights/queries.ts), the models turn it into findings.
 */

/** One transaction as the insight models see it. Transfers between own accounts are never passed in. */
export type LedgerEntry = {
  id: string;
  /** YYYY-MM-DD. Entries are passed sorted by date, then id. */
  date: string;
  /** Signed minor units: negative = money left the account. */
  amount: number;
  /** ISO 4217; a model never mixes currencies (it groups by currency first). */
  currency: string;
  /** The clean merchant name as shown (null: none known). */
  merchant: string | null;
  /** The merchant's grouping key (src/features/merchants/key.ts): what makes two entries the same merchant. */
  merchantKey: string | null;
  categoryId: string | null;
  /** The category's kind; null when uncategorized. */
  categoryKind: 'expense' | 'income' | 'transfer' | null;
};

export type Cadence = 'weekly' | 'biweekly' | 'semi_monthly' | 'monthly' | 'quarterly' | 'semiannual' | 'yearly';

/** A recurring stream: a subscription, a bill, a salary. Amounts are positive magnitudes; `direction` says which way. */
export type RecurringSeries = {
  merchant: string;
  merchantKey: string;
  currency: string;
  /** The category most of the stream's entries have (null: mostly uncategorized). */
  categoryId: string | null;
  cadence: Cadence;
  /** The median magnitude of the stream's amounts, minor units. */
  typicalAmount: number;
  lastAmount: number;
  /** Whether the amounts are stable (subscription) or vary (utility bill): max relative deviation from typical. */
  amountVariation: number;
  firstDate: string;
  lastDate: string;
  nextExpectedDate: string;
  transactionCount: number;
  transactionIds: readonly string[];
  lastTransactionId: string;
  direction: 'inflow' | 'outflow';
  state: 'active' | 'late' | 'ended';
  /**
   * How the stream's later dates fall, for listing them (src/features/insights/schedule.ts): the
   * next due date before a weekend moves it (YYYY-MM-DD); the days of the month it is due on (one,
   * a semi-monthly stream's two, 29–31 clamped to a short month's end; none for weekly and
   * biweekly); where a due date on a weekend is paid. Not part of the API's answer.
   */
  schedule?: { nextDueDate: string; daysOfMonth: readonly number[]; weekendShift: 'before' | 'after' | 'none' };
};

export type AnomalyKind = 'spike' | 'duplicate' | 'new_merchant' | 'price_increase' | 'card_testing';

/** A transaction that looks wrong, and why. */
export type Anomaly = {
  transactionId: string;
  kind: AnomalyKind;
  /** 0–1, higher is more severe; comparable across kinds (the list is sorted by it). */
  score: number;
  /** A sentence a person reads: "4.1× your usual at Shell (usually $38–$61)". */
  reason: string;
  /** The usual range of the amount's magnitude, minor units; null where no range applies (duplicate, card testing). */
  expected: { low: number; high: number } | null;
  date: string;
  merchantKey: string | null;
  /** Signed minor units, as on the transaction. */
  amount: number;
  currency: string;
};
