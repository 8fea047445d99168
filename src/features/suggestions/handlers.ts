import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import { userCategorizer, writtenInput } from '../enrichment/enrich.ts';
import { knownVersion } from '../enrichment/model.ts';

/** The caller's categorizer's best guesses for one of their transactions, with calibrated confidences and reasons. */
export const listCategorySuggestions: Handler<'listCategorySuggestions'> = async ({ q, userId, path, query }) => {
  const transaction = await q.transactions.find(path.id);
  if (!transaction) throw problems.notFound('No transaction with this id.');
  const categorizer = userCategorizer(userId, await q.enrichment.context([], knownVersion(userId)));
  const suggestions = categorizer.suggest(writtenInput(transaction), query.limit ?? 3);
  return {
    status: 200,
    body: { data: suggestions.map(({ categoryId, confidence, reasons }) => ({ category_id: categoryId, confidence, reasons })) },
  };
};
