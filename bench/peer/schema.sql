-- The FastAPI peer's tables (bench/peer/app.py), in schema `plain` of the bench database: what a
-- developer writes for this app on a first pass — uuid keys, foreign keys, one index for the list —
-- with none of SpendSense's aggregates, triggers, search indexes, composite keys or row-level
-- security. Filled from the seeded ledger (bench/seed.ts), so the peer serves the rows the API
-- serves, ids included. bench/peer/plain-schema.ts runs this as the owner, in one transaction.
drop schema if exists plain cascade;
create schema plain;

create table plain.users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  name text,
  created_at timestamptz not null default now()
);

create table plain.accounts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references plain.users (id) on delete cascade,
  name text not null,
  type text not null,
  currency char(3) not null,
  created_at timestamptz not null default now()
);
create index accounts_user_id on plain.accounts (user_id);

create table plain.categories (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references plain.users (id) on delete cascade,
  parent_id uuid references plain.categories (id),
  name text not null,
  kind text not null check (kind in ('expense', 'income', 'transfer'))
);
create index categories_user_id on plain.categories (user_id);

-- Keys and foreign keys come after the load (below): an index build and a validating join each,
-- instead of a check per row.
create table plain.transactions (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  account_id uuid not null,
  date date not null,
  amount bigint not null,
  currency char(3) not null,
  description text not null,
  merchant text,
  category_id uuid,
  notes text,
  status text not null default 'posted',
  transfer_id uuid,
  created_at timestamptz not null default now()
);

insert into plain.users (id, email, name, created_at)
select id, email, name, created_at from public.users;
insert into plain.accounts (id, user_id, name, type, currency, created_at)
select id, user_id, name, type, currency, created_at from public.accounts;
insert into plain.categories (id, user_id, parent_id, name, kind)
select id, user_id, parent_id, name, kind from public.categories;
insert into plain.transactions (id, user_id, account_id, date, amount, currency, description, merchant,
                                category_id, notes, status, transfer_id, created_at)
select id, user_id, account_id, date, amount, currency, description, merchant,
       category_id, notes, status, transfer_id, created_at
from public.transactions;

alter table plain.transactions
  add primary key (id),
  add foreign key (user_id) references plain.users (id) on delete cascade,
  add foreign key (account_id) references plain.accounts (id) on delete cascade,
  add foreign key (category_id) references plain.categories (id) on delete set null;
-- The list's keyset order; the naive report scans the same index for a user's date range.
create index transactions_user_date on plain.transactions (user_id, date desc, id desc);
