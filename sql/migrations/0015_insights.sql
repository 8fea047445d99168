-- A counter per user that moves on every change the insights read (a transaction's date, amount,
-- merchant, category or account; a category's name, kind or place; anything added or deleted).
-- The API keeps each user's forecasts, recurring streams and anomalies in memory with the
-- revision they were computed at, and one primary-key read tells any replica whether they still
-- hold: no scan of a heavy user's history per request, and no stale answer after a write.
create table ledger_revisions (
  user_id uuid not null,
  revision bigint not null default 0,
  constraint ledger_revisions_pkey primary key (user_id),
  constraint ledger_revisions_user_id_fkey foreign key (user_id) references users (id) on delete cascade
);
alter table ledger_revisions enable row level security;
create policy ledger_revisions_isolation on ledger_revisions using (user_id = current_app_user());
grant select, insert, update, delete on ledger_revisions to spendsense_app;

create function ledger_revisions_bump(user_ids uuid[]) returns void
  language sql
  as $$
  insert into ledger_revisions as r (user_id, revision)
  select distinct u, 1 from unnest(user_ids) as u
  where exists (select 1 from users where id = u)
  order by 1
  on conflict (user_id) do update set revision = r.revision + 1;
$$;

-- Inserts and deletes, of transactions or categories, bump their users: each trigger names its
-- transition table changed_rows, so one function serves all four.
create function ledger_revisions_after_rows_change() returns trigger
  language plpgsql
  as $$
begin
  perform ledger_revisions_bump(array(select distinct user_id from changed_rows));
  return null;
end
$$;
-- Only changes the insights see: a note or a tag edited leaves the revision (and the caches) alone.
create function ledger_revisions_after_transactions_update() returns trigger
  language plpgsql
  as $$
begin
  perform ledger_revisions_bump(array(
    select distinct n.user_id
    from new_rows n join old_rows o on o.id = n.id
    where (n.user_id, n.date, n.amount, n.currency, n.account_id, n.category_id, n.merchant, n.merchant_key, n.transfer_id)
      is distinct from (o.user_id, o.date, o.amount, o.currency, o.account_id, o.category_id, o.merchant, o.merchant_key, o.transfer_id)
  ));
  return null;
end
$$;
create trigger transactions_ledger_revisions_insert after insert on transactions
  referencing new table as changed_rows for each statement execute function ledger_revisions_after_rows_change();
create trigger transactions_ledger_revisions_delete after delete on transactions
  referencing old table as changed_rows for each statement execute function ledger_revisions_after_rows_change();
create trigger transactions_ledger_revisions_update after update on transactions
  referencing old table as old_rows new table as new_rows
  for each statement execute function ledger_revisions_after_transactions_update();

create function ledger_revisions_after_categories_update() returns trigger
  language plpgsql
  as $$
begin
  perform ledger_revisions_bump(array(
    select distinct n.user_id
    from new_rows n join old_rows o on o.id = n.id
    where (n.user_id, n.name, n.kind, n.parent_id, n.archived) is distinct from (o.user_id, o.name, o.kind, o.parent_id, o.archived)
  ));
  return null;
end
$$;
-- Statement triggers: a new user's default taxonomy is one insert, and bumps once.
create trigger categories_ledger_revisions_insert after insert on categories
  referencing new table as changed_rows for each statement execute function ledger_revisions_after_rows_change();
create trigger categories_ledger_revisions_delete after delete on categories
  referencing old table as changed_rows for each statement execute function ledger_revisions_after_rows_change();
create trigger categories_ledger_revisions_update after update on categories
  referencing old table as old_rows new table as new_rows
  for each statement execute function ledger_revisions_after_categories_update();

-- Transactions the user marked as expected: never flagged again, and later ones like them
-- (the same kind at the same merchant, at most 25 % larger) neither. What it was flagged as, and
-- its merchant and amount, are kept as they were at dismissal.
create table anomaly_dismissals (
  user_id uuid not null,
  transaction_id uuid not null,
  kind text,
  merchant text,
  merchant_key text,
  amount bigint not null,
  currency character(3) not null,
  dismissed_at timestamptz not null default date_trunc('milliseconds', now()),
  constraint anomaly_dismissals_pkey primary key (user_id, transaction_id),
  constraint anomaly_dismissals_kind_check check (kind in ('spike', 'duplicate', 'new_merchant', 'price_increase', 'card_testing')),
  constraint anomaly_dismissals_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint anomaly_dismissals_transaction_fkey foreign key (transaction_id) references transactions (id) on delete cascade
);
create index anomaly_dismissals_transaction_idx on anomaly_dismissals (transaction_id);
alter table anomaly_dismissals enable row level security;
create policy anomaly_dismissals_isolation on anomaly_dismissals using (user_id = current_app_user());
grant select, insert, delete on anomaly_dismissals to spendsense_app;
