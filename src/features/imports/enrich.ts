// The enrich stage of an import, between mapping a chunk of rows and writing (or previewing) it.
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

/** Today's enrichment: none; transactions are recorded as the statement states them. */
export const enrichTransactions: Enricher = async (transactions) => transactions;
