-- Users, accounts, idempotency keys, and the row-level security that isolates users.
--
-- Isolation, twice: every query filters on user_id, and row-level security enforces the same
-- rule underneath. The application connects with `role=spendsense_app` (a role that owns no
-- table and cannot bypass RLS) and names the caller per transaction with
-- set_config('app.user_id', …, true), through app_begin_request() below.

do $$
begin
  if not exists (select from pg_roles where rolname = 'spendsense_app') then
    create role spendsense_app nologin nobypassrls;
  end if;
end
$$;
-- The login user runs the app as spendsense_app (SET ROLE needs membership unless superuser).
grant spendsense_app to current_user;

create function current_app_user() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

create function touch_updated_at() returns trigger
  language plpgsql
  as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table users (
  id uuid not null default gen_random_uuid(),
  email text not null,
  password_hash text not null,
  name text,
  default_currency char(3) not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_pkey primary key (id),
  constraint users_email_key unique (email),
  constraint users_email_lowercase check (email = lower(email)),
  constraint users_name_length check (char_length(name) between 1 and 100)
);
create trigger users_touch_updated_at before update on users
  for each row execute function touch_updated_at();

create table accounts (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null,
  type text not null,
  currency char(3) not null,
  opening_balance bigint not null default 0,
  -- Sum of the account's transactions, kept current by the transactions triggers, so that
  -- balance = opening_balance + transactions_total is one addition, not a scan.
  transactions_total bigint not null default 0,
  archived boolean not null default false,
  -- Millisecond precision, so the RFC 3339 value the API shows is exact and can key a cursor.
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  constraint accounts_pkey primary key (id),
  constraint accounts_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint accounts_type_check
    check (type in ('checking', 'savings', 'credit_card', 'cash', 'investment', 'loan', 'other')),
  constraint accounts_opening_balance_range check (abs(opening_balance) <= 1000000000000000),
  constraint accounts_name_length check (char_length(name) between 1 and 100)
);
-- Names are unique per user regardless of case ("Checking" and "checking" would confuse).
create unique index accounts_user_name_key on accounts (user_id, lower(name));
-- Keyset pagination of the account list: (created_at, id) per user.
create index accounts_user_created_idx on accounts (user_id, created_at, id);
create trigger accounts_touch_updated_at before update on accounts
  for each row execute function touch_updated_at();

-- Idempotency-Key records, written in the same transaction as the change they describe.
create table idempotency_keys (
  user_id uuid not null,
  key text not null,
  operation text not null,
  request_hash text not null,
  response_status integer not null,
  response_headers jsonb not null,
  response_body jsonb,
  created_at timestamptz not null default now(),
  constraint idempotency_keys_pkey primary key (user_id, key),
  constraint idempotency_keys_user_id_fkey foreign key (user_id) references users (id) on delete cascade
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- Row-level security. The app's role owns no table, so enabling RLS binds it; the owner (the
-- migrating user, and the definer functions below) is deliberately not bound, which is what
-- lets sign-in look a user up by email before anyone is named.
alter table users enable row level security;
create policy users_isolation on users using (id = current_app_user());

alter table accounts enable row level security;
create policy accounts_isolation on accounts using (user_id = current_app_user());

alter table idempotency_keys enable row level security;
create policy idempotency_keys_isolation on idempotency_keys using (user_id = current_app_user());

-- Starts a request on behalf of a user: names the user for RLS for the rest of the transaction
-- and tells whether the user still exists (a token outlives a deleted user).
create function app_begin_request(uid uuid) returns boolean
  language plpgsql
  as $$
begin
  perform set_config('app.user_id', uid::text, true);
  return exists (select 1 from users where id = uid);
end
$$;

-- Sign-in must find a user before anyone is named for RLS: this definer function (running as
-- the tables' owner) answers only the id and password hash of one email.
create function auth_user_by_email(lookup_email text)
  returns table (id uuid, password_hash text)
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$
    select u.id, u.password_hash from users u where u.email = lower(lookup_email)
  $$;
revoke all on function auth_user_by_email(text) from public;
grant execute on function auth_user_by_email(text) to spendsense_app;

grant usage on schema public to spendsense_app;
-- /readyz compares the applied migrations with the files.
grant select on schema_migrations to spendsense_app;
grant select, insert, update, delete on users, accounts, idempotency_keys to spendsense_app;
