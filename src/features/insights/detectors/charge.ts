// What every detector reads about the outflow it judges, and what it answers.
import type { AnomalyKind, LedgerEntry } from '../types.ts';
import type { MoneyText } from './wording.ts';

/** An outflow at a known merchant, with the figures the detectors compare. */
export type Charge = {
  entry: LedgerEntry;
  /** Position in the currency's ledger (date, then id order). */
  index: number;
  /** Days since 1970-01-01. */
  day: number;
  /** |amount|, minor units. */
  magnitude: number;
  /** ln(magnitude): the scale on which spending varies. */
  log: number;
  merchantKey: string;
  /** The merchant as shown in sentences. */
  name: string;
};

/** A detector's verdict on one charge; the entry point adds the transaction's fields. */
export type Finding = {
  kind: AnomalyKind;
  score: number;
  reason: string;
  expected: { low: number; high: number } | null;
};

/** The user's spending level in this currency over the last year, read once a day (so only from earlier days). */
export type UserLevels = {
  outflows: number;
  /** Typical and large outflow magnitudes (minor units), NaN without outflows. */
  median: number;
  p95: number;
  /** Days since the user's first entry in this currency. */
  historyDays: number;
};

export type CurrencyContext = {
  currency: string;
  exponent: number;
  money: MoneyText;
  /** One major unit in minor units (100 for USD, 1 for JPY). */
  unit: number;
};
