import { createSqlTag } from 'slonik';
import { z } from 'zod';

/** The project's sql tag: slonik's, plus an alias for statements that return no rows. */
export const sql = createSqlTag({
  typeAliases: {
    void: z.object({}).strict(),
  },
});
