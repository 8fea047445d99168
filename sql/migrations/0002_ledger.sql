-- The ledger: API keys, login throttling, categories, transactions (with transfers) and budgets.

create extension if not exists pg_trgm;

-- Composite keys let children reference (user_id, id): a row can only point at a parent of the
-- same user, whatever the application does. Transactions also carry the account's currency
-- through their foreign key, so "currency equals the account's" holds by construction.
alter table accounts add constraint accounts_user_id_id_key unique (user_id, id);
alter table accounts add constraint accounts_user_id_id_currency_key unique (user_id, id, currency);

create table api_keys (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null,
  -- The first characters of the secret, shown in lists so a user can tell keys apart.
  prefix text not null,
  -- SHA-256 of the secret: the secret has 256 random bits, so a fast hash is enough and keeps
  -- per-request verification cheap. The secret itself is never stored.
  secret_hash text not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  constraint api_keys_pkey primary key (id),
  constraint api_keys_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint api_keys_secret_hash_key unique (secret_hash),
  constraint api_keys_name_length check (char_length(name) between 1 and 100)
);
create index api_keys_user_created_idx on api_keys (user_id, created_at, id);

-- Failed sign-ins per hashed email and per client address. Holds no user data, so no RLS.
create table login_throttle (
  key text not null,
  failures integer not null,
  window_started_at timestamptz not null,
  blocked_until timestamptz,
  constraint login_throttle_pkey primary key (key)
);

create table categories (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  parent_id uuid,
  name text not null,
  kind text not null,
  archived boolean not null default false,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  constraint categories_pkey primary key (id),
  constraint categories_user_id_id_key unique (user_id, id),
  constraint categories_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint categories_parent_fkey foreign key (user_id, parent_id) references categories (user_id, id),
  constraint categories_kind_check check (kind in ('expense', 'income', 'transfer')),
  constraint categories_name_length check (char_length(name) between 1 and 100),
  constraint categories_not_own_parent check (parent_id <> id)
);
create unique index categories_user_parent_name_key
  on categories (user_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create index categories_user_created_idx on categories (user_id, created_at, id);
create index categories_parent_idx on categories (parent_id) where parent_id is not null;
create trigger categories_touch_updated_at before update on categories
  for each row execute function touch_updated_at();

-- Two levels only (group → category), and a category has its group's kind.
create function categories_check_hierarchy() returns trigger
  language plpgsql
  as $$
declare
  parent categories%rowtype;
begin
  if new.parent_id is null then
    if tg_op = 'UPDATE' and new.kind <> old.kind
       and exists (select 1 from categories c where c.parent_id = new.id and c.kind <> new.kind) then
      raise exception 'a group''s kind must match its categories'
        using errcode = 'check_violation', constraint = 'categories_kind_matches_parent';
    end if;
    return new;
  end if;
  select * into parent from categories where id = new.parent_id;
  if parent.parent_id is not null then
    raise exception 'categories nest two levels deep at most'
      using errcode = 'check_violation', constraint = 'categories_two_levels';
  end if;
  if exists (select 1 from categories c where c.parent_id = new.id) then
    raise exception 'a group with categories cannot itself get a parent'
      using errcode = 'check_violation', constraint = 'categories_two_levels';
  end if;
  if parent.kind <> new.kind then
    raise exception 'a category must have its group''s kind'
      using errcode = 'check_violation', constraint = 'categories_kind_matches_parent';
  end if;
  return new;
end
$$;
create trigger categories_hierarchy before insert or update of parent_id, kind on categories
  for each row execute function categories_check_hierarchy();

create table transactions (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  account_id uuid not null,
  date date not null,
  amount bigint not null,
  currency char(3) not null,
  description text not null,
  merchant text,
  category_id uuid,
  categorized_by text,
  notes text,
  tags text[] not null default '{}',
  external_id text,
  status text not null default 'posted',
  -- The two legs of a transfer between the user's own accounts share a transfer_id.
  transfer_id uuid,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  constraint transactions_pkey primary key (id),
  constraint transactions_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint transactions_account_fkey foreign key (user_id, account_id, currency)
    references accounts (user_id, id, currency),
  constraint transactions_category_fkey foreign key (user_id, category_id) references categories (user_id, id),
  constraint transactions_amount_range check (abs(amount) <= 1000000000000000),
  constraint transactions_date_range check (date between '1900-01-01' and '2199-12-31'),
  constraint transactions_description_length check (char_length(description) between 1 and 500),
  constraint transactions_merchant_length check (char_length(merchant) between 1 and 200),
  constraint transactions_notes_length check (char_length(notes) <= 2000),
  constraint transactions_tags_count check (cardinality(tags) <= 20),
  constraint transactions_external_id_length check (char_length(external_id) between 1 and 200),
  constraint transactions_status_check check (status in ('pending', 'posted')),
  constraint transactions_categorized_by_check
    check (categorized_by in ('user', 'rule', 'model') and category_id is not null or categorized_by is null)
);
-- One external id per account: re-imports and retried syncs cannot duplicate a bank's row.
create unique index transactions_external_id_key on transactions (account_id, external_id)
  where external_id is not null;
-- The list order and its keyset cursor.
create index transactions_user_date_idx on transactions (user_id, date desc, id desc);
create index transactions_account_date_idx on transactions (account_id, date desc, id desc);
create index transactions_category_date_idx on transactions (category_id, date desc, id desc)
  where category_id is not null;
create index transactions_transfer_idx on transactions (transfer_id) where transfer_id is not null;
create index transactions_tags_idx on transactions using gin (tags);
-- `q` searches description, merchant and notes with ILIKE; trigrams make that an index scan.
create function transactions_search_text(description text, merchant text, notes text) returns text
  language sql immutable parallel safe
  as $$ select description || ' ' || coalesce(merchant, '') || ' ' || coalesce(notes, '') $$;
create index transactions_search_idx on transactions
  using gin (transactions_search_text(description, merchant, notes) gin_trgm_ops);
create trigger transactions_touch_updated_at before update on transactions
  for each row execute function touch_updated_at();

-- Account balances follow every write, batch or single, in the same statement's transaction.
create function transactions_totals_after_insert() returns trigger
  language plpgsql
  as $$
begin
  update accounts a set transactions_total = a.transactions_total + d.total
  from (select account_id, sum(amount)::bigint as total from new_rows group by account_id) d
  where a.id = d.account_id;
  return null;
end
$$;
create function transactions_totals_after_delete() returns trigger
  language plpgsql
  as $$
begin
  update accounts a set transactions_total = a.transactions_total - d.total
  from (select account_id, sum(amount)::bigint as total from old_rows group by account_id) d
  where a.id = d.account_id;
  return null;
end
$$;
create function transactions_totals_after_update() returns trigger
  language plpgsql
  as $$
begin
  update accounts a set transactions_total = a.transactions_total + d.total
  from (
    select account_id, sum(amount)::bigint as total
    from (
      select account_id, amount from new_rows
      union all
      select account_id, -amount from old_rows
    ) changes
    group by account_id
  ) d
  where a.id = d.account_id and d.total <> 0;
  return null;
end
$$;
create trigger transactions_totals_insert after insert on transactions
  referencing new table as new_rows for each statement execute function transactions_totals_after_insert();
create trigger transactions_totals_delete after delete on transactions
  referencing old table as old_rows for each statement execute function transactions_totals_after_delete();
create trigger transactions_totals_update after update on transactions
  referencing old table as old_rows new table as new_rows
  for each statement execute function transactions_totals_after_update();

create table budgets (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null,
  category_id uuid,
  amount bigint not null,
  currency char(3) not null,
  period text not null,
  start_date date not null,
  rollover boolean not null default false,
  alert_threshold double precision not null default 0.8,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  constraint budgets_pkey primary key (id),
  constraint budgets_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint budgets_category_fkey foreign key (user_id, category_id) references categories (user_id, id),
  constraint budgets_name_length check (char_length(name) between 1 and 100),
  constraint budgets_amount_range check (amount > 0 and amount <= 1000000000000000),
  constraint budgets_period_check check (period in ('weekly', 'monthly', 'yearly')),
  constraint budgets_alert_threshold_range check (alert_threshold between 0 and 1),
  constraint budgets_start_date_range check (start_date between '1900-01-01' and '2199-12-31')
);
create index budgets_user_created_idx on budgets (user_id, created_at, id);
create index budgets_category_idx on budgets (category_id) where category_id is not null;
create trigger budgets_touch_updated_at before update on budgets
  for each row execute function touch_updated_at();

alter table api_keys enable row level security;
create policy api_keys_isolation on api_keys using (user_id = current_app_user());
alter table categories enable row level security;
create policy categories_isolation on categories using (user_id = current_app_user());
alter table transactions enable row level security;
create policy transactions_isolation on transactions using (user_id = current_app_user());
alter table budgets enable row level security;
create policy budgets_isolation on budgets using (user_id = current_app_user());

-- API-key sign-in, before any user is named: the user of a live key, noting its use (at most
-- once a minute, so busy keys do not write on every request).
create function auth_api_key_user(lookup_hash text) returns uuid
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
declare
  owner uuid;
begin
  update api_keys set last_used_at = now()
  where secret_hash = lookup_hash
    and (expires_at is null or expires_at > now())
    and (last_used_at is null or last_used_at < now() - interval '1 minute')
  returning user_id into owner;
  if owner is null then
    select user_id into owner from api_keys
    where secret_hash = lookup_hash and (expires_at is null or expires_at > now());
  end if;
  return owner;
end
$$;
revoke all on function auth_api_key_user(text) from public;
grant execute on function auth_api_key_user(text) to spendsense_app;

grant select, insert, update, delete on api_keys, login_throttle, categories, transactions, budgets
  to spendsense_app;
