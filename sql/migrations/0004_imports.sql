-- Statement imports: the record of each import, and what lets a re-import recognise rows it
-- has already recorded.

create table imports (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  account_id uuid not null,
  format text not null,
  file_name text,
  rows_total integer not null default 0,
  created integer not null default 0,
  duplicates integer not null default 0,
  failed integer not null default 0,
  errors jsonb not null default '[]',
  mapping jsonb,
  date_format text,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  constraint imports_pkey primary key (id),
  constraint imports_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint imports_account_fkey foreign key (user_id, account_id) references accounts (user_id, id) on delete cascade,
  constraint imports_format_check check (format in ('csv', 'ofx', 'qfx', 'qif', 'camt053'))
);
create index imports_user_created_idx on imports (user_id, created_at desc, id desc);

alter table transactions add column import_id uuid;
alter table transactions add constraint transactions_import_fkey
  foreign key (import_id) references imports (id) on delete set null;
-- For rows without a bank id: a hash of account, date, amount, normalized description and the
-- occurrence number of that combination within the file (two identical coffees on one day are
-- two transactions, and stay two on re-import).
alter table transactions add column import_fingerprint text;
create unique index transactions_import_fingerprint_key on transactions (account_id, import_fingerprint)
  where import_fingerprint is not null;
create index transactions_import_idx on transactions (import_id) where import_id is not null;

alter table imports enable row level security;
create policy imports_isolation on imports using (user_id = current_app_user());
grant select, insert, update, delete on imports to spendsense_app;
