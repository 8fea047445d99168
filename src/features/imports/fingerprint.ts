import { hash } from 'node:crypto';
import { OccurrenceCounter } from './occurrences.ts';

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
  const occurrences = new OccurrenceCounter();
  return (row) => {
    const key = `${row.date}|${row.amount}|${normalizeDescription(row.description)}`;
    const occurrence = occurrences.count(key);
    // One-shot hash: half the time of a Hash object per row, the same digest.
    return hash('sha256', `${accountId}|${key}|${occurrence}`, 'base64url');
  };
}
