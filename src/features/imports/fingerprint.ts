import { createHash } from 'node:crypto';

/** Statement text compared loosely: case, spacing and punctuation vary between exports of one bank. */
export function normalizeDescription(description: string): string {
  return description.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Fingerprints rows that carry no bank id. The occurrence number of (date, amount, description)
 * within the file keeps two identical coffees on one day apart, and the same two again on
 * re-import of the same or an overlapping statement.
 */
export function fingerprinter(accountId: string): (row: { date: string; amount: number; description: string }) => string {
  const occurrences = new Map<string, number>();
  return (row) => {
    const key = `${row.date}|${row.amount}|${normalizeDescription(row.description)}`;
    const occurrence = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, occurrence);
    return createHash('sha256').update(`${accountId}|${key}|${occurrence}`).digest('base64url');
  };
}
