// The enrich stage of an import, between mapping a chunk of rows and writing (or previewing) it.
import { streamEnricher, type StreamEnricher } from '../enrichment/enrich.ts';
import type { EnrichmentQueries } from '../enrichment/queries.ts';
import type { NewTransaction } from '../transactions/queries.ts';

/**
 * Improves a chunk of mapped transactions before they are deduplicated and written, in dry runs
 * and real imports alike: the place for merchant cleaning, the user's rules and a categorisation
 * model (merchant, categoryId, categorizedBy). It answers one transaction per input, in order,
 * and leaves externalId and importFingerprint as they are: they are how a re-import recognises a
 * row. In a real import the previous chunk's insert may still be running on the request's
 * connection meanwhile.
 */
export type Enricher = (transactions: NewTransaction[]) => Promise<NewTransaction[]>;

/** Nothing in a statement row is the user's explicit choice: cleaning, rules and the model may fill any field. */
const statementGives = { categoryId: false, merchant: false, notes: false } as const;

/**
 * The same pipeline creates and batches use (enrichment/enrich.ts), for statement rows. What it
 * reads (rules, merchant names, the model) is read at the first chunk and kept for the file, so
 * no later chunk waits behind the previous chunk's insert for a query of its own.
 */
export function enricherFor(queries: EnrichmentQueries, userId: string): Enricher {
  let session: Promise<StreamEnricher> | undefined;
  return async (transactions) => {
    session ??= streamEnricher(queries, userId);
    const enrich = await session;
    return enrich(transactions.map((row) => ({ row, given: statementGives })));
  };
}
