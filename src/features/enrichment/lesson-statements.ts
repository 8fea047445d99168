// The statements that record what a write teaches the caller's categorizer, as fragments of that
// write's own statement (the transaction insert embeds them), apart from the enrichment queries
// so that the insert does not import what enrichment reads.
import { sql } from '../../db/sql.ts';

/** A lesson taught by a row being inserted: it is kept only if its transaction is. */
export type RowLesson = { transactionId: string; input: unknown; categoryId: string; correction: boolean };

/**
 * The lessons of the rows an insert's `inserted` CTE wrote, appended in the same statement (so a
 * create that files its row under a category is still one statement), in their order.
 */
export function appendLessonsOfInserted(userId: string, lessons: readonly RowLesson[]) {
  return sql.fragment`
    insert into categorizer_lessons (user_id, input, category_id, correction)
    select ${userId}, l.input, l.category_id, l.correction
    from unnest(
      ${sql.array(lessons.map((lesson) => lesson.transactionId), 'uuid')},
      ${sql.array(lessons.map((lesson) => JSON.stringify(lesson.input)), 'jsonb')},
      ${sql.array(lessons.map((lesson) => lesson.categoryId), 'uuid')},
      ${sql.array(lessons.map((lesson) => lesson.correction), 'bool')}
    ) with ordinality as l(transaction_id, input, category_id, correction, position)
    where exists (select 1 from inserted i where i.id = l.transaction_id)
    order by l.position
    returning 1
  `;
}

/** How many lessons wait to be folded once a statement that appended `appended` (a CTE's name) commits. */
export function pendingLessonsAfter(userId: string, appended: string) {
  // The statement's own snapshot does not see what its CTE appended: both are counted.
  return sql.fragment`((select count(*) from ${sql.identifier([appended])}) + (select count(*) from categorizer_lessons where user_id = ${userId}))::int`;
}
