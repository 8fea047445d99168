import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dumpSchema, schemaFile, schemaSnapshotPath } from '../src/db/schema-dump.ts';
import { paths } from '../src/paths.ts';
import { asOwner, createTestDatabase, type TestDatabase } from './helpers/database.ts';

// Copies of the migrated template: the template itself must stay free of connections, or the
// other test files could not copy it meanwhile.
const created: TestDatabase[] = [];
async function migratedCopy(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  created.push(database);
  return database;
}
afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

/** The body (between $$ quotes) a migration file gives a function. */
function functionBody(migrationFile: string, functionName: string): string {
  const text = readFileSync(`${paths.migrations}/${migrationFile}`, 'utf8');
  const body = new RegExp(`function ${functionName}\\([^)]*\\)[^$]*\\$\\$([\\s\\S]*?)\\$\\$`).exec(text)?.[1];
  if (body === undefined) throw new Error(`${migrationFile} defines no function ${functionName}`);
  return body;
}

/** Fails with the fix in the message rather than a 500-line diff with no hint. */
function expectSameAsCommitted(generated: string): void {
  const committed = readFileSync(schemaSnapshotPath, 'utf8');
  if (generated === committed) return;
  const committedLines = committed.split('\n');
  const generatedLines = generated.split('\n');
  const lineCount = Math.max(committedLines.length, generatedLines.length);
  const line = Array.from({ length: lineCount }, (_, index) => index).find((index) => committedLines[index] !== generatedLines[index]) ?? 0;
  throw new Error(
    `sql/schema.sql is not what the migrations produce: run \`npm run schema:dump\` and commit sql/schema.sql.\n` +
      `first difference at line ${line + 1}:\n  committed: ${committedLines[line]}\n  migrated:  ${generatedLines[line]}`,
  );
}

describe('sql/schema.sql', () => {
  let dump: string;
  beforeAll(async () => {
    dump = await dumpSchema((await migratedCopy()).url);
  });

  it('is what the migrations produce (else run `npm run schema:dump`)', () => {
    expectSameAsCommitted(schemaFile(dump));
  });

  it('dumps another database migrated alike to the same text: no OIDs, names or dates leak in', async () => {
    expect(await dumpSchema((await migratedCopy()).url)).toBe(dump);
  });

  it.each(['report_totals_apply', 'report_totals_rebuild'])('shows %s as 0007 re-created it, not as 0003 first wrote it', (name) => {
    const current = functionBody('0007_category_totals_without_account.sql', name);
    const original = functionBody('0003_report_aggregates.sql', name);
    expect(current).not.toBe(original);
    expect(dump).toContain(`CREATE OR REPLACE FUNCTION public.${name}(`);
    expect(dump).toContain(current);
    expect(dump).not.toContain(original);
  });
});

describe('dumpSchema()', () => {
  it('renders the kinds of objects the migrations do not use yet', async () => {
    const database = await migratedCopy();
    await asOwner(
      database.url,
      `create type mood as enum ('calm', 'tense');
       create domain positive_amount as bigint not null constraint positive_amount_check check (value > 0);
       create table gadgets (
         id bigint generated always as identity primary key,
         price positive_amount,
         doubled bigint generated always as (price * 2) stored,
         feeling mood
       );
       alter table gadgets enable row level security, force row level security;
       create policy gadgets_read on gadgets for select to spendsense_app using (price > 0);
       create view cheap_gadgets as select id, price from gadgets where price < 10;
       create sequence loose_counter start 5 increment 2;
       grant usage on sequence loose_counter to spendsense_app;
       comment on column gadgets.price is 'In cents';`,
    );
    const dump = await dumpSchema(database.url);
    for (const line of [
      "CREATE TYPE public.mood AS ENUM ('calm', 'tense');",
      'CREATE DOMAIN public.positive_amount AS bigint NOT NULL\n  CONSTRAINT positive_amount_check CHECK ((VALUE > 0));',
      '  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,',
      '  doubled bigint GENERATED ALWAYS AS (((price)::bigint * 2)) STORED,',
      '  feeling public.mood,\n  CONSTRAINT gadgets_pkey PRIMARY KEY (id)\n);',
      'ALTER TABLE public.gadgets FORCE ROW LEVEL SECURITY;',
      'CREATE POLICY gadgets_read ON public.gadgets AS PERMISSIVE FOR SELECT TO spendsense_app USING (((price)::bigint > 0));',
      'CREATE VIEW public.cheap_gadgets AS\n SELECT id,',
      'CREATE SEQUENCE public.loose_counter AS bigint INCREMENT 2 MINVALUE 1 MAXVALUE 9223372036854775807 START 5 CACHE 1;\nGRANT USAGE ON SEQUENCE public.loose_counter TO spendsense_app;',
      "COMMENT ON COLUMN public.gadgets.price IS 'In cents';",
    ]) {
      expect(dump).toContain(line);
    }
    // The identity column's own sequence is implied by the column, not listed apart.
    expect(dump).not.toContain('CREATE SEQUENCE public.gadgets_id_seq');
  });

  it('refuses to dump an object it cannot render instead of leaving it out', async () => {
    const database = await migratedCopy();
    await asOwner(
      database.url,
      `create aggregate total_of(int4) (sfunc = int4pl, stype = int4);
       grant update (name) on users to spendsense_app;`,
    );
    await expect(dumpSchema(database.url)).rejects.toThrow(
      'schema dump cannot render function public.total_of(integer), grants on column name of table public.users yet',
    );
  });
});
