// Past one primary, SpendSense scales out as Citus distributed by user_id (issue 14). Citus
// enforces a key only inside one shard, so `create_distributed_table` refuses a table whose primary
// key, unique constraint, unique index or exclusion constraint lacks the distribution column, and a
// foreign key between distributed tables must join on it. These tests read the migrated catalog
// and fail, naming the constraint and its table, as soon as a migration breaks that rule.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrate, readMigrations } from '../src/db/migrate.ts';
import { asOwner, createTestDatabase, type TestDatabase } from './helpers/database.ts';

/** The distribution column of every table that has it (users, the root, is a reference table: see below). */
const distributionColumn = 'user_id';

type Placement = 'reference' | 'local';

/**
 * Every table without a user_id column, and why. A reference table is copied to every node (a
 * distributed table may point at it); a local table lives on the coordinator only (nothing
 * distributed may point at it). A new table without user_id fails the suite until it is listed
 * here, so the choice is made on purpose.
 */
const notDistributed: Record<string, { placement: Placement; reason: string }> = {
  users: {
    placement: 'reference',
    reason:
      'the root every user table points at by user_id. Sign-in finds a user by email before any user id is known, and ' +
      'users_email_key keeps emails unique across users, which a table distributed by id could not enforce. One small ' +
      'row per user, written rarely (sign-up, profile, sign-out); on every node, the per-request session check stays local.',
  },
  login_throttle: {
    placement: 'local',
    reason: 'failed sign-ins per hashed email and per client address, counted before anyone is signed in: no user data',
  },
  rate_limit_windows: {
    placement: 'local',
    reason: 'request budgets per policy and caller (a user or a client address), one row per window: a counter, not user data',
  },
  schema_migrations: { placement: 'local', reason: 'which migrations ran: bookkeeping of the database, not of a user' },
};

type TableRow = { name: string; has_user_id: boolean; user_id_not_null: boolean; user_id_type: string | null };
type KeyRow = { table_name: string; index_name: string; constraint_name: string | null; kind: string; definition: string; keyed_by_user_id: boolean };
type ForeignKeyRow = {
  name: string;
  child: string;
  parent: string;
  definition: string;
  joins_on_user_id: boolean;
  clears_user_id: boolean;
};
type Catalog = { tables: TableRow[]; keys: KeyRow[]; foreignKeys: ForeignKeyRow[] };

async function readCatalog(url: string): Promise<Catalog> {
  const tables = await asOwner<TableRow>(
    url,
    `select c.relname as name, a.attname is not null as has_user_id, coalesce(a.attnotnull, false) as user_id_not_null,
            format_type(a.atttypid, a.atttypmod) as user_id_type
       from pg_class c
       left join pg_attribute a on a.attrelid = c.oid and a.attname = $1 and not a.attisdropped
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname`,
    [distributionColumn],
  );
  // Unique and exclusion indexes of tables with user_id, whether a constraint owns them or not.
  // Only key columns count (INCLUDE columns do not make rows unique); an exclusion constraint
  // needs user_id compared with =, as Citus requires.
  const keys = await asOwner<KeyRow>(
    url,
    `select t.relname as table_name, i.relname as index_name, con.conname as constraint_name,
            case con.contype when 'p' then 'primary key' when 'u' then 'unique constraint' when 'x' then 'exclusion constraint'
                             else 'unique index' end as kind,
            coalesce(pg_get_constraintdef(con.oid), pg_get_indexdef(x.indexrelid)) as definition,
            exists (
              select from unnest(x.indkey::int2[]) with ordinality k (attnum, position)
               where k.position <= x.indnkeyatts and k.attnum = u.attnum
                 and (not x.indisexclusion or con.conexclop[k.position]::regoperator::text like '=(%')
            ) as keyed_by_user_id
       from pg_index x
       join pg_class t on t.oid = x.indrelid
       join pg_class i on i.oid = x.indexrelid
       join pg_attribute u on u.attrelid = t.oid and u.attname = $1 and not u.attisdropped
       left join pg_constraint con on con.conindid = x.indexrelid and con.conrelid = t.oid and con.contype in ('p', 'u', 'x')
      where t.relnamespace = 'public'::regnamespace and (x.indisunique or x.indisexclusion)
      order by t.relname, i.relname`,
    [distributionColumn],
  );
  // A foreign key "clears" user_id when a delete or update of the parent would set it to null or
  // its default: SET NULL without a column list sets every referencing column, user_id included.
  const foreignKeys = await asOwner<ForeignKeyRow>(
    url,
    `select con.conname as name, child.relname as child, parent.relname as parent, pg_get_constraintdef(con.oid) as definition,
            exists (select from unnest(con.conkey, con.confkey) p (child_column, parent_column)
                     where p.child_column = cu.attnum and p.parent_column = pu.attnum) as joins_on_user_id,
            coalesce(cu.attnum = any(con.conkey) and (
              (con.confdeltype in ('n', 'd') and (coalesce(cardinality(con.confdelsetcols), 0) = 0 or cu.attnum = any(con.confdelsetcols)))
              or con.confupdtype in ('n', 'd')
            ), false) as clears_user_id
       from pg_constraint con
       join pg_class child on child.oid = con.conrelid
       join pg_class parent on parent.oid = con.confrelid
       left join pg_attribute cu on cu.attrelid = child.oid and cu.attname = $1 and not cu.attisdropped
       left join pg_attribute pu on pu.attrelid = parent.oid and pu.attname = $1 and not pu.attisdropped
      where con.contype = 'f' and con.connamespace = 'public'::regnamespace
      order by child.relname, con.conname`,
    [distributionColumn],
  );
  return { tables: tables.rows, keys: keys.rows, foreignKeys: foreignKeys.rows };
}

type Placing = 'distributed' | Placement | 'unclassified';

function placementOf(catalog: Catalog, table: string): Placing {
  if (catalog.tables.find((row) => row.name === table)?.has_user_id) return 'distributed';
  return notDistributed[table]?.placement ?? 'unclassified';
}

function unclassifiedTables(catalog: Catalog): string[] {
  return catalog.tables
    .filter((table) => placementOf(catalog, table.name) === 'unclassified')
    .map((table) => `${table.name} has no ${distributionColumn} column: add one, or list it in notDistributed with its placement and why`);
}

function staleListEntries(catalog: Catalog): string[] {
  return Object.keys(notDistributed).flatMap((name) => {
    const table = catalog.tables.find((row) => row.name === name);
    if (!table) return [`notDistributed lists ${name}, which no longer exists`];
    if (table.has_user_id) return [`notDistributed lists ${name}, which has a ${distributionColumn} column: it is distributed, remove it from the list`];
    return [];
  });
}

function userIdColumnProblems(catalog: Catalog): string[] {
  return catalog.tables
    .filter((table) => table.has_user_id)
    .flatMap((table) => [
      ...(table.user_id_not_null ? [] : [`${table.name}.${distributionColumn} allows null: Citus cannot place a row without it`]),
      // Co-location needs one type for every distribution column, the type of users.id.
      ...(table.user_id_type === 'uuid' ? [] : [`${table.name}.${distributionColumn} is ${table.user_id_type}, not uuid like users.id`]),
    ]);
}

function keysWithoutUserId(catalog: Catalog): string[] {
  return catalog.keys
    .filter((key) => !key.keyed_by_user_id)
    .map((key) => `${key.table_name}: ${key.kind} ${key.constraint_name ?? key.index_name} lacks ${distributionColumn}: ${key.definition}`);
}

function foreignKeyProblems(catalog: Catalog): string[] {
  return catalog.foreignKeys.flatMap((key) => {
    const child = placementOf(catalog, key.child);
    const parent = placementOf(catalog, key.parent);
    const named = `${key.child}: foreign key ${key.name} (${key.definition})`;
    const problems: string[] = [];
    if (child === 'distributed' && parent === 'distributed' && !key.joins_on_user_id) {
      problems.push(`${named} does not pair ${key.child}.${distributionColumn} with ${key.parent}.${distributionColumn}`);
    }
    if (child === 'distributed' && parent === 'local') {
      problems.push(`${named} points at ${key.parent}, a local table: a distributed table may point only at distributed or reference tables`);
    }
    if (child !== 'distributed' && parent === 'distributed') {
      problems.push(`${named} points from ${child === 'unclassified' ? 'an unclassified' : `a ${child}`} table into the distributed ${key.parent}, which Citus does not allow`);
    }
    if (key.clears_user_id) {
      problems.push(`${named} would set ${distributionColumn} to null or its default: name the columns to clear, e.g. ON DELETE SET NULL (column)`);
    }
    return problems;
  });
}

const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

async function database(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const copy = await createTestDatabase(options);
  created.push(copy);
  return copy;
}

describe('the migrated schema, distributed by user_id', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await readCatalog((await database()).url);
  });

  it('reads the tables, keys and foreign keys it judges (the check is not vacuous)', () => {
    expect(catalog.tables.map((table) => table.name)).toEqual(expect.arrayContaining(['accounts', 'transactions', 'users']));
    expect(catalog.keys.map((key) => key.constraint_name)).toEqual(expect.arrayContaining(['transactions_pkey', 'monthly_merchant_totals_key']));
    expect(catalog.keys.map((key) => key.index_name)).toContain('transactions_external_id_key');
    expect(catalog.foreignKeys.map((key) => key.name)).toEqual(expect.arrayContaining(['transactions_account_fkey', 'transactions_user_id_fkey']));
  });

  it('gives every table a user_id column, or lists it as a reference or local table with the reason', () => {
    expect(unclassifiedTables(catalog)).toEqual([]);
  });

  it('lists as not distributed only tables that exist and have no user_id', () => {
    expect(staleListEntries(catalog)).toEqual([]);
  });

  it('makes user_id NOT NULL and uuid wherever it is the distribution column', () => {
    expect(userIdColumnProblems(catalog)).toEqual([]);
  });

  it('puts user_id in every primary key, unique constraint, unique index and exclusion constraint of a distributed table', () => {
    expect(keysWithoutUserId(catalog)).toEqual([]);
  });

  it('joins every foreign key between distributed tables on user_id, points at no local table, and never clears user_id', () => {
    expect(foreignKeyProblems(catalog)).toEqual([]);
  });
});

describe('the Citus-readiness check itself', () => {
  it('names each table, key and foreign key that would break distribution by user_id', async () => {
    const copy = await database();
    await asOwner(
      copy.url,
      `create table gadgets (
         id uuid primary key,
         user_id uuid references users (id),
         serial text,
         constraint gadgets_serial_key unique (serial),
         constraint gadgets_serial_excl exclude using btree (serial with =)
       );
       create unique index gadgets_user_serial_key on gadgets (serial) include (user_id);
       create table gadget_notes (
         user_id uuid not null,
         gadget_id uuid,
         constraint gadget_notes_gadget_fkey foreign key (gadget_id) references gadgets (id),
         constraint gadget_notes_account_fkey foreign key (user_id, gadget_id) references accounts (user_id, id) on delete set null
       );
       create table gadget_kinds (name text primary key, gadget_id uuid references gadgets (id));
       create table release_notes (version integer references schema_migrations (version), user_id uuid not null)`,
    );
    const catalog = await readCatalog(copy.url);
    expect(unclassifiedTables(catalog)).toEqual([expect.stringMatching(/^gadget_kinds has no user_id column/)]);
    expect(userIdColumnProblems(catalog)).toEqual(['gadgets.user_id allows null: Citus cannot place a row without it']);
    expect(keysWithoutUserId(catalog)).toEqual([
      'gadgets: primary key gadgets_pkey lacks user_id: PRIMARY KEY (id)',
      'gadgets: exclusion constraint gadgets_serial_excl lacks user_id: EXCLUDE USING btree (serial WITH =)',
      'gadgets: unique constraint gadgets_serial_key lacks user_id: UNIQUE (serial)',
      // In INCLUDE, user_id is carried along but does not scope the uniqueness.
      expect.stringMatching(/^gadgets: unique index gadgets_user_serial_key lacks user_id: CREATE UNIQUE INDEX/),
    ]);
    expect(foreignKeyProblems(catalog)).toEqual([
      expect.stringMatching(/^gadget_kinds: foreign key gadget_kinds_gadget_id_fkey .* points from an unclassified table into the distributed gadgets/),
      expect.stringMatching(/^gadget_notes: foreign key gadget_notes_account_fkey .* would set user_id to null/),
      expect.stringMatching(/^gadget_notes: foreign key gadget_notes_gadget_fkey .* does not pair gadget_notes.user_id with gadgets.user_id/),
      expect.stringMatching(/^release_notes: foreign key release_notes_version_fkey .* points at schema_migrations, a local table/),
    ]);
  });
});

// One story in order: data written under 0015, then migrated, then changed.
describe('migration 0016 on a database that already holds data', () => {
  const [alice, bob] = ['00000000-0000-4000-8000-00000000a11c', '00000000-0000-4000-8000-0000000000b0'];
  const ids = {
    aliceAccount: '10000000-0000-4000-8000-000000000001',
    bobAccount: '10000000-0000-4000-8000-000000000002',
    group: '20000000-0000-4000-8000-000000000001',
    groceries: '20000000-0000-4000-8000-000000000002',
    rule: '30000000-0000-4000-8000-000000000001',
    import: '40000000-0000-4000-8000-000000000001',
    laterImport: '40000000-0000-4000-8000-000000000002',
    imported: '50000000-0000-4000-8000-000000000001',
    dismissed: '50000000-0000-4000-8000-000000000002',
  };
  const seededTables = [
    'users', 'accounts', 'categories', 'rules', 'imports', 'transactions', 'anomaly_dismissals', 'budgets', 'api_keys',
    'categorizer_lessons', 'monthly_merchant_totals',
  ];
  let url: string;
  let countsBefore: Record<string, number>;

  async function rowCounts(): Promise<Record<string, number>> {
    const { rows } = await asOwner<{ name: string; count: number }>(
      url,
      seededTables.map((table) => `select ${pg.escapeLiteral(table)} as name, count(*)::int as count from ${pg.escapeIdentifier(table)}`).join(' union all '),
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.count]));
  }

  async function transaction(id: string) {
    const { rows } = await asOwner<{ user_id: string; import_id: string | null; rule_id: string | null; category_id: string | null }>(
      url,
      'select user_id, import_id, rule_id, category_id from transactions where id = $1',
      [id],
    );
    return rows[0];
  }

  beforeAll(async () => {
    url = (await database({ migrated: false })).url;
    await migrate(url, (await readMigrations()).filter((migration) => migration.version < 16));
    // As the owner, through the ordinary tables, so every trigger of 0015 runs.
    const seed: [string, unknown[]][] = [
      [`insert into users (id, email, password_hash, default_currency) values ($1, 'alice@example.com', 'x', 'USD'), ($2, 'bob@example.com', 'x', 'EUR')`, [alice, bob]],
      [
        `insert into accounts (id, user_id, name, type, currency, opening_balance)
         values ($1, $2, 'Checking', 'checking', 'USD', 10000), ($3, $4, 'Girokonto', 'checking', 'EUR', 0)`,
        [ids.aliceAccount, alice, ids.bobAccount, bob],
      ],
      [`insert into categories (id, user_id, name, kind) values ($1, $2, 'Food', 'expense')`, [ids.group, alice]],
      [`insert into categories (id, user_id, parent_id, name, kind) values ($1, $2, $3, 'Groceries', 'expense')`, [ids.groceries, alice, ids.group]],
      [
        `insert into rules (id, user_id, name, conditions, set_category_id)
         values ($1, $2, 'Market', '[{"field": "description", "op": "contains", "value": "market"}]', $3)`,
        [ids.rule, alice, ids.groceries],
      ],
      [`insert into imports (id, user_id, account_id, format) values ($1, $2, $3, 'csv')`, [ids.import, alice, ids.aliceAccount]],
      [
        `insert into transactions (id, user_id, account_id, currency, date, amount, description, category_id, categorized_by, rule_id, import_id, import_fingerprint)
         values ($1, $2, $3, 'USD', '2026-03-02', -2500, 'Farmers market', $4, 'rule', $5, $6, 'fp-1')`,
        [ids.imported, alice, ids.aliceAccount, ids.groceries, ids.rule, ids.import],
      ],
      [
        `insert into transactions (id, user_id, account_id, currency, date, amount, description, external_id)
         values ($1, $2, $3, 'USD', '2026-03-03', -9900, 'Electronics', 'bank-1'),
                (gen_random_uuid(), $4, $5, 'EUR', '2026-03-03', -100, 'Bäckerei', 'bank-1')`,
        [ids.dismissed, alice, ids.aliceAccount, bob, ids.bobAccount],
      ],
      [`insert into anomaly_dismissals (user_id, transaction_id, kind, amount, currency) values ($1, $2, 'spike', -9900, 'USD')`, [alice, ids.dismissed]],
      [
        `insert into budgets (user_id, name, category_id, amount, currency, period, start_date) values ($1, 'Food', $2, 40000, 'USD', 'monthly', '2026-01-01')`,
        [alice, ids.group],
      ],
      [`insert into api_keys (user_id, name, prefix, secret_hash) values ($1, 'CLI', 'ss_live_ab', 'hash-1')`, [alice]],
      [`insert into categorizer_lessons (user_id, input, category_id) values ($1, '{}', $2)`, [alice, ids.groceries]],
    ];
    for (const [text, values] of seed) await asOwner(url, text, values);
    countsBefore = await rowCounts();
    await migrate(url);
  });

  it('keeps every row and every reference', async () => {
    expect(countsBefore).toMatchObject({ transactions: 3, anomaly_dismissals: 1, monthly_merchant_totals: 3 });
    expect(await rowCounts()).toEqual(countsBefore);
    expect(await transaction(ids.imported)).toEqual({ user_id: alice, import_id: ids.import, rule_id: ids.rule, category_id: ids.groceries });
    const { rows } = await asOwner<{ transactions_total: number }>(url, 'select transactions_total::int from accounts where id = $1', [ids.aliceAccount]);
    expect(rows).toEqual([{ transactions_total: -12400 }]);
  });

  it('clears only the reference when a rule or an import goes, never user_id', async () => {
    await asOwner(url, 'delete from rules where id = $1', [ids.rule]);
    await asOwner(url, 'delete from imports where id = $1', [ids.import]);
    expect(await transaction(ids.imported)).toEqual({ user_id: alice, import_id: null, rule_id: null, category_id: ids.groceries });
  });

  it("refuses a transaction pointing at another user's import, which the old key on import_id alone let through", async () => {
    await asOwner(url, `insert into imports (id, user_id, account_id, format) values ($1, $2, $3, 'csv')`, [ids.laterImport, alice, ids.aliceAccount]);
    await expect(
      asOwner(
        url,
        `insert into transactions (user_id, account_id, currency, date, amount, description, import_id)
         values ($1, $2, 'EUR', '2026-03-04', -1, 'Kiosk', $3)`,
        [bob, ids.bobAccount, ids.laterImport],
      ),
    ).rejects.toMatchObject({ code: '23503', constraint: 'transactions_import_fkey' });
  });

  it('still takes a dismissal away with its transaction, and a user away with all their rows', async () => {
    await asOwner(url, 'delete from transactions where id = $1', [ids.dismissed]);
    expect((await rowCounts()).anomaly_dismissals).toBe(0);
    await asOwner(url, 'delete from users where id = $1', [alice]);
    const { rows } = await asOwner<{ user_id: string }>(
      url,
      seededTables.filter((table) => table !== 'users').map((table) => `select user_id from ${pg.escapeIdentifier(table)}`).join(' union '),
    );
    expect(rows).toEqual([{ user_id: bob }]);
  });
});
