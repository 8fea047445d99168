// The write stage of an import: a writer takes each enriched chunk. The real one inserts; the
// dry-run one only tells which rows are already recorded and previews the first ones.
import type { components } from '../../generated/api.ts';
import { importAnswerLimits } from '../../limits.ts';
import type { NewTransaction } from '../transactions/queries.ts';
import type { RecordedKeys } from './queries.ts';
import type { ImportRow } from './rows.ts';

type ImportPreviewRow = components['schemas']['ImportPreviewRow'];

/** How many rows were (or would be) recorded, and how many were already. */
export type WriteCounts = { created: number; duplicates: number };

export type ImportWriter = {
  /** Takes one chunk, in file order. It may return before the chunk is written. */
  write(rows: ImportRow[]): Promise<void>;
  /** Waits for every chunk taken and answers the counts; fails as a write failed. */
  finish(): Promise<WriteCounts>;
  /** Waits until no write is running (the connection must be idle before a rollback); answers the error of one that failed. */
  settle(): Promise<unknown>;
};

/**
 * The real writer: each chunk is inserted (queries.ts recordRows) leaving out rows whose bank id or
 * fingerprint the account has recorded already (`insert` answers how many it recorded). The
 * database inserts one chunk while the next is parsed and enriched: `write` waits only for the
 * previous insert.
 */
export function insertingWriter(insert: (transactions: NewTransaction[]) => Promise<number>): ImportWriter {
  const counts: WriteCounts = { created: 0, duplicates: 0 };
  let running: Promise<void> = Promise.resolve();
  return {
    async write(rows) {
      await running;
      const transactions = rows.map((entry) => entry.transaction);
      running = insert(transactions).then((inserted) => {
        counts.created += inserted;
        counts.duplicates += transactions.length - inserted;
      });
      running.catch(() => undefined); // awaited at the next chunk or by finish; not unhandled meanwhile
    },
    async finish() {
      await running;
      return { ...counts };
    },
    settle: () => running.then(() => undefined, (error: unknown) => error),
  };
}

/** The keys a chunk would be recognised by. */
function keysOf(transactions: readonly NewTransaction[]): { externalIds: string[]; fingerprints: string[] } {
  return {
    externalIds: transactions.flatMap((row) => (row.externalId ? [row.externalId] : [])),
    fingerprints: transactions.flatMap((row) => (row.importFingerprint ? [row.importFingerprint] : [])),
  };
}

/**
 * The dedupe the real insert does, told in advance: a bank id recorded before or seen earlier in
 * this file, or a fingerprint recorded before (fingerprints already tell repeats within a file apart).
 */
function isDuplicate(transaction: NewTransaction, recorded: RecordedKeys, seenExternalIds: Set<string>): boolean {
  const { externalId, importFingerprint } = transaction;
  if (!externalId) return recorded.fingerprints.has(importFingerprint ?? '');
  const duplicate = recorded.externalIds.has(externalId) || seenExternalIds.has(externalId);
  seenExternalIds.add(externalId);
  return duplicate;
}

function previewRow(entry: ImportRow, duplicate: boolean): ImportPreviewRow {
  const { date, amount, description, merchant, notes, externalId } = entry.transaction;
  return { row: entry.row, date, amount, description, merchant, notes, external_id: externalId, duplicate };
}

export type PreviewWriter = ImportWriter & {
  /** The first rows as they would be recorded. */
  preview(): ImportPreviewRow[];
};

/** The dry-run writer: counts what the real one would record, against the keys already recorded; writes nothing. */
export function previewWriter(recordedKeys: (externalIds: string[], fingerprints: string[]) => Promise<RecordedKeys>): PreviewWriter {
  const counts: WriteCounts = { created: 0, duplicates: 0 };
  const seenExternalIds = new Set<string>();
  const preview: ImportPreviewRow[] = [];
  return {
    async write(rows) {
      const keys = keysOf(rows.map((entry) => entry.transaction));
      const recorded = await recordedKeys(keys.externalIds, keys.fingerprints);
      for (const entry of rows) {
        const duplicate = isDuplicate(entry.transaction, recorded, seenExternalIds);
        if (duplicate) counts.duplicates += 1;
        else counts.created += 1;
        if (preview.length < importAnswerLimits.preview) preview.push(previewRow(entry, duplicate));
      }
    },
    finish: async () => ({ ...counts }),
    settle: async () => undefined,
    preview: () => preview,
  };
}
