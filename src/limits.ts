/**
 * Limits and ranges the contract states, in one place: code, messages and checks read them here.
 * The contract (openapi/) states the same numbers to clients; `test/limits.test.ts` holds both equal.
 */

/** The ledger's calendar: PostgreSQL holds any of these days, and no report reaches year 0. */
export const ledgerDates = { earliest: '1900-01-01', latest: '2199-12-31' } as const;

/** A real calendar day, `YYYY-MM-DD`, within the ledger's range. */
export function isLedgerDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value < ledgerDates.earliest || value > ledgerDates.latest) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const maxJsonBodyBytes = 1024 * 1024;
export const maxStatementBytes = 20 * 1024 * 1024;

/** Longest texts a transaction keeps (the Transaction schema's maxLength). */
export const transactionTextLimits = { description: 500, merchant: 200, notes: 2000, externalId: 200 } as const;

/**
 * Sign-in throttling: failures are counted per key in a fixed window, and a key at its limit is
 * blocked. Few per account (guessing one password), more per address (a shared NAT). The contract
 * promises only a 429 with Retry-After, not these numbers.
 */
export const signInThrottle = { failuresPerEmail: 5, failuresPerAddress: 50, windowMinutes: 15, blockMinutes: 15 } as const;

/** As a person reads a byte limit: "1 MiB", "20 MiB". */
export function mebibytes(bytes: number): string {
  return `${bytes / 1024 / 1024} MiB`;
}

/** How far a report reaches: a spending report's `to` at most 20 years after its `from`, a cash flow at most 120 months. */
export const reportSpans = { spendingYears: 20, cashFlowMonths: 120 } as const;

/** How many items a list answers when the request names no `limit` (the Limit parameter's default). */
export const defaultPageLimit = 50;

/** What an import's answer lists at most (the Import schema's maxItems): rows it reports on, and dry-run preview rows. */
export const importAnswerLimits = { errors: 100, preview: 20 } as const;
