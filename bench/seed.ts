// npm run bench:seed [-- --users=1000 --txns-per-user=1000 --heavy-txns=100000 --years=3]
// Recreates database spendsense_bench and loads a synthetic ledger with set-based SQL, as the
// owner, through the ordinary tables: every trigger (balances, aggregates) runs.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../src/db/migrate.ts';
import { defaultCategories } from '../src/features/categories/defaults.ts';
import { hashPassword } from '../src/http/auth.ts';
import { benchPassword, budgets, merchants, recurring } from './data.ts';
import { benchDatabaseName, openBenchServer, type SeedInfo } from './db.ts';

const batchUsers = 100;

function parameters() {
  const { values } = parseArgs({
    options: { users: { type: 'string' }, 'txns-per-user': { type: 'string' }, 'heavy-txns': { type: 'string' }, years: { type: 'string' } },
  });
  const read = (flag: keyof typeof values, env: string, fallback: number, min: number) => {
    const raw = values[flag] ?? process.env[env];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} / ${env} must be an integer ≥ ${min}`);
    return value;
  };
  return {
    users: read('users', 'BENCH_USERS', 1000, 0),
    txnsPerUser: read('txns-per-user', 'BENCH_TXNS_PER_USER', 1000, 0),
    heavyTxns: read('heavy-txns', 'BENCH_HEAVY_TXNS', 100_000, 0),
    years: read('years', 'BENCH_YEARS', 3, 1),
  };
}

type SeedParameters = ReturnType<typeof parameters>;

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`  ${label.padEnd(44)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
  return result;
}

async function recreateDatabase(maintenanceUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${benchDatabaseName} with (force)`);
    await client.query(`create database ${benchDatabaseName}`);
  } finally {
    await client.end();
  }
}

/** The seeded period: its first day, its length in days and months, and the size below which a user has no monthly routine. */
type Period = { start: string; days: number; months: number; minForRecurring: number };

async function seedPeriod(db: pg.Client, p: SeedParameters): Promise<Period> {
  const { rows: [window] } = await db.query<{ start: string; days: number }>(
    `select (current_date - make_interval(years => $1))::date + 1 as start,
            current_date - ((current_date - make_interval(years => $1))::date + 1) + 1 as days`,
    [p.years],
  );
  const months = p.years * 12;
  // Users too small for a monthly routine get purchases only.
  return { ...window!, months, minForRecurring: 2 * (recurring.length + 2) * (months + 1) };
}

async function loadUsers(db: pg.Client, p: SeedParameters): Promise<void> {
  const passwordHash = await hashPassword(benchPassword); // one argon2id hash shared by every bench user
  await timed(`users (${p.users} + heavy)`, async () => {
    await db.query(
      `insert into users (email, password_hash, name, default_currency)
       select 'bench-' || n || '@example.com', $1, 'Bench user ' || n, 'USD' from generate_series(1, $2::int) n
       union all select 'bench-heavy@example.com', $1, 'Bench heavy user', 'USD'`,
      [passwordHash, p.users],
    );
    // bu: bench ordinal (0 = heavy), target transaction count and a stable per-user number h.
    await db.query(
      `create temp table bu as
       select id as user_id,
              coalesce(substring(email from '^bench-(\\d+)@')::int, 0) as n,
              case when email = 'bench-heavy@example.com' then ${p.heavyTxns} else ${p.txnsPerUser} end as txns,
              abs(hashtext(id::text)) % 1000000 as h,
              0 as purchases
       from users;
       create index on bu (n); analyze bu`,
    );
  });
}

async function loadAccounts(db: pg.Client): Promise<void> {
  await timed('accounts (3 per user)', () => db.query(
    `insert into accounts (user_id, name, type, currency, opening_balance)
     select u.user_id, a.name, a.type, 'USD', a.opening
     from bu u cross join (values ('Everyday checking', 'checking', 250000), ('Savings', 'savings', 1000000),
                                  ('Credit card', 'credit_card', 0)) a(name, type, opening);
     create temp table ua as
     select user_id, (array_agg(id) filter (where type = 'checking'))[1] as checking,
            (array_agg(id) filter (where type = 'savings'))[1] as savings,
            (array_agg(id) filter (where type = 'credit_card'))[1] as card
     from accounts group by user_id;
     create index on ua (user_id); analyze ua`,
  ));
}

async function loadCategories(db: pg.Client): Promise<void> {
  await timed('categories (default taxonomy)', async () => {
    await db.query(
      `insert into categories (user_id, name, kind)
       select u.user_id, g.name, g.kind from bu u cross join unnest($1::text[], $2::text[]) g(name, kind)`,
      [defaultCategories.map((g) => g.name), defaultCategories.map((g) => g.kind)],
    );
    const children = defaultCategories.flatMap((g) => g.children.map((child) => [g.name, child] as const));
    await db.query(
      `insert into categories (user_id, parent_id, name, kind)
       select g.user_id, g.id, c.name, g.kind
       from unnest($1::text[], $2::text[]) c(group_name, name)
       join categories g on g.parent_id is null and g.name = c.group_name`,
      [children.map((c) => c[0]), children.map((c) => c[1])],
    );
    // uc: each user's category id by name (a category before a group of the same name).
    await db.query(
      `create temp table uc as
       select distinct on (user_id, name) user_id, name, id from categories order by user_id, name, parent_id nulls last;
       create index on uc (user_id, name); analyze uc`,
    );
  });
}

async function loadMerchants(db: pg.Client): Promise<void> {
  await timed(`merchants (${merchants.length}, Zipf-skewed)`, async () => {
    await db.query(
      `create temp table m as
       select ord::int as id, name, category, weight, lo, hi
       from unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::int[]) with ordinality x(name, category, weight, lo, hi, ord)`,
      [merchants.map((x) => x.name), merchants.map((x) => x.category), merchants.map((x) => x.weight),
        merchants.map((x) => x.min), merchants.map((x) => x.max)],
    );
    // 10,000 slots shared out by weight: a uniform random slot draws a merchant by popularity.
    await db.query(
      `create temp table slots as
       select (row_number() over (order by m.id) - 1)::int as slot, m.id as merchant
       from m cross join lateral generate_series(1, greatest(1, round(m.weight / (select sum(weight) from m) * 10000)::int));
       create index on slots (slot); analyze m; analyze slots`,
    );
  });
}

async function loadRecurring(db: pg.Client, { months, start, minForRecurring }: Period): Promise<void> {
  const amountCase = `case r.ord ${recurring.map((item, i) => `when ${i + 1} then (${item[5]})`).join(' ')} end`;
  await timed('recurring: salaries, rent, bills, interest', () => db.query(
    `insert into transactions (user_id, account_id, currency, date, amount, description, merchant, category_id, categorized_by)
     select u.user_id,
            case r.account when 'checking' then a.checking when 'savings' then a.savings else a.card end,
            'USD', d.date, (${amountCase})::bigint, r.description, r.merchant, c.id,
            case when c.id is not null then 'rule' end
     from bu u
     join ua a on a.user_id = u.user_id
     cross join generate_series(0, $1::int) k
     cross join unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) with ordinality r(day, category, merchant, account, description, ord)
     cross join lateral (select (date_trunc('month', current_date) - make_interval(months => k))::date + r.day as date) d
     left join uc c on c.user_id = u.user_id and c.name = r.category
     where d.date between $7::date and current_date and u.txns >= $8`,
    [months, recurring.map((r) => r[0]), recurring.map((r) => r[1]), recurring.map((r) => r[2]),
      recurring.map((r) => r[3]), recurring.map((r) => r[4]), start, minForRecurring],
  ));
}

async function loadCardPayments(db: pg.Client, { months, start, minForRecurring }: Period): Promise<void> {
  await timed('credit-card payments (transfers, 2 legs)', () => db.query(
    `with p as (
       select u.user_id, a.checking, a.card, gen_random_uuid() as transfer_id,
              (date_trunc('month', current_date) - make_interval(months => k))::date + 24 as date,
              (30000 + floor(random() * 200000))::bigint as amount
       from bu u join ua a on a.user_id = u.user_id cross join generate_series(0, $1::int) k
       where u.txns >= $2
     )
     insert into transactions (user_id, account_id, currency, date, amount, description, category_id, categorized_by, transfer_id)
     select p.user_id, leg.account_id, 'USD', p.date, leg.sign * p.amount, 'CREDIT CARD PAYMENT', c.id,
            case when c.id is not null then 'rule' end, p.transfer_id
     from p cross join lateral (values (p.checking, -1), (p.card, 1)) leg(account_id, sign)
     left join uc c on c.user_id = p.user_id and c.name = 'Credit card payment'
     where p.date between $3::date and current_date`,
    [months, minForRecurring, start],
  ));
}

async function loadPurchases(db: pg.Client, p: SeedParameters, { days }: Period): Promise<void> {
  await db.query(
    `update bu set purchases = greatest(0, bu.txns - coalesce(t.n, 0))
     from bu b left join (select user_id, count(*)::int as n from transactions group by user_id) t on t.user_id = b.user_id
     where bu.user_id = b.user_id`,
  );
  // Purchases: a merchant drawn by weight, amounts skewed low, 3 % refunds, 5 % uncategorized.
  const purchases = `
    insert into transactions (user_id, account_id, currency, date, amount, description, merchant, category_id,
                              categorized_by, tags, status)
    select p.user_id, case when p.r_account < 0.6 then a.card else a.checking end, 'USD', p.date,
           ((case when p.r_refund < 0.03 then 1 else -1 end) * (m.lo + floor(p.r_amount * p.r_amount * (m.hi - m.lo))))::bigint,
           upper(m.name) || case when p.r_account < 0.6 then ' CARD ' else ' POS ' end || lpad(p.ref::text, 6, '0'),
           m.name,
           case when p.r_category >= 0.05 then c.id end,
           case when p.r_category < 0.05 or c.id is null then null when p.r_category < 0.7 then 'rule' else 'user' end,
           (case when p.r_tag < 0.02 then array['reimbursable'] when p.r_tag < 0.04 then array['vacation'] else '{}' end)::text[],
           case when p.date > current_date - 3 then 'pending' else 'posted' end
    from (
      select u.user_id, current_date - floor(random() * $3::int)::int as date, floor(random() * $4::int)::int as slot,
             random() as r_account, random() as r_refund, random() as r_amount, random() as r_category, random() as r_tag,
             floor(random() * 1000000)::int as ref
      from bu u cross join lateral generate_series(1, u.purchases)
      where u.n between $1 and $2
    ) p
    join slots s on s.slot = p.slot
    join m on m.id = s.merchant
    join ua a on a.user_id = p.user_id
    left join uc c on c.user_id = p.user_id and c.name = m.category`;
  const { rows: [slotCount] } = await db.query<{ n: number }>('select count(*)::int as n from slots');
  await timed(`purchases: heavy user`, () => db.query(purchases, [0, 0, days, slotCount!.n]));
  for (let lo = 1; lo <= p.users; lo += batchUsers) {
    const hi = Math.min(p.users, lo + batchUsers - 1);
    await timed(`purchases: users ${lo}–${hi}`, () => db.query(purchases, [lo, hi, days, slotCount!.n]));
  }
}

async function loadBudgets(db: pg.Client, { start }: Period): Promise<void> {
  await timed(`budgets (${budgets.length} per user)`, () => db.query(
    `insert into budgets (user_id, name, category_id, amount, currency, period, start_date, rollover)
     select u.user_id, b.name, c.id, b.amount, 'USD', b.period, date_trunc('month', $6::date)::date, b.rollover
     from bu u cross join unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bool[]) b(name, category, period, amount, rollover)
     left join uc c on c.user_id = u.user_id and c.name = b.category`,
    [budgets.map((b) => b[0]), budgets.map((b) => b[1]), budgets.map((b) => b[2]), budgets.map((b) => b[3]),
      budgets.map((b) => b[4]), start],
  ));
}

/** Loads everything; `db` is an owner session on the fresh, migrated bench database. */
async function load(db: pg.Client, p: SeedParameters): Promise<void> {
  await db.query(`set synchronous_commit = off; set work_mem = '256MB'; set maintenance_work_mem = '1GB'`);
  const period = await seedPeriod(db, p);
  await loadUsers(db, p);
  await loadAccounts(db);
  await loadCategories(db);
  await loadMerchants(db);
  await loadRecurring(db, period);
  await loadCardPayments(db, period);
  await loadPurchases(db, p, period);
  await loadBudgets(db, period);
  await timed('vacuum (analyze)', () => db.query('vacuum (analyze)'));
}

async function main(): Promise<void> {
  const p = parameters();
  const started = performance.now();
  console.log(`bench:seed: ${p.users} users × ${p.txnsPerUser} transactions + 1 heavy user × ${p.heavyTxns}, over ${p.years} years`);
  const server = await openBenchServer({ create: true });
  try {
    console.log(`  database ${server.url.replace(/:[^:@/]*@/, ':***@')}${server.embedded ? ' (embedded, .data/bench)' : ''}`);
    await timed('recreate database + migrate', async () => {
      await recreateDatabase(server.maintenanceUrl);
      await migrate(server.url);
    });
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      await load(db, p);
      const counts: Record<string, number> = {};
      for (const table of ['users', 'accounts', 'categories', 'transactions', 'budgets']) {
        const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
        counts[table] = rows[0]!.n;
      }
      const { rows: [heavy] } = await db.query<{ n: number; merchants: number }>(
        `select count(*)::int as n, count(distinct merchant)::int as merchants
         from transactions where user_id = (select id from users where email = 'bench-heavy@example.com')`,
      );
      counts.heavy_user_transactions = heavy!.n;
      counts.merchants = heavy!.merchants;
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const info: SeedInfo = { ...p, seconds, seededAt: new Date().toISOString(), counts };
      await db.query(`comment on database ${benchDatabaseName} is ${db.escapeLiteral(JSON.stringify(info))}`);
      console.log(`bench:seed done in ${seconds} s:`, Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));
    } finally {
      await db.end();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
