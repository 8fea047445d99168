-- Monthly aggregates behind the reports, kept current by the same statements that write
-- transactions, so a multi-year report reads a few rows per month instead of every transaction.
--
-- Transfers (transfer_id set) are never reported and are left out. Category kinds are looked up
-- at read time, so re-kinding or re-parenting a category needs no rebuild. Rows are keyed with
-- NULLS NOT DISTINCT: uncategorized (and merchant-less) money is a key of its own.

create table monthly_category_totals (
  user_id uuid not null,
  currency char(3) not null,
  month date not null,
  account_id uuid not null,
  category_id uuid,
  total bigint not null,
  count integer not null,
  constraint monthly_category_totals_key
    unique nulls not distinct (user_id, currency, month, account_id, category_id),
  constraint monthly_category_totals_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint monthly_category_totals_month_check check (extract(day from month) = 1)
);

create table monthly_merchant_totals (
  user_id uuid not null,
  currency char(3) not null,
  month date not null,
  account_id uuid not null,
  category_id uuid,
  merchant text,
  total bigint not null,
  count integer not null,
  constraint monthly_merchant_totals_key
    unique nulls not distinct (user_id, currency, month, account_id, category_id, merchant),
  constraint monthly_merchant_totals_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint monthly_merchant_totals_month_check check (extract(day from month) = 1)
);

alter table monthly_category_totals enable row level security;
create policy monthly_category_totals_isolation on monthly_category_totals using (user_id = current_app_user());
alter table monthly_merchant_totals enable row level security;
create policy monthly_merchant_totals_isolation on monthly_merchant_totals using (user_id = current_app_user());
grant select, insert, update, delete on monthly_category_totals, monthly_merchant_totals to spendsense_app;

-- Adds signed changes (rows of a transition table, sign +1 or -1) to both aggregates. Keys are
-- sorted so concurrent writers lock aggregate rows in one order and cannot deadlock each other.
create function report_totals_apply(changes jsonb) returns void
  language sql
  as $$
  with change as (
    select c.user_id, c.currency, c.month, c.account_id, c.category_id, c.merchant, c.amount, c.count
    from jsonb_to_recordset(changes) as c(
      user_id uuid, currency char(3), month date, account_id uuid, category_id uuid,
      merchant text, amount bigint, count integer
    )
  ),
  by_category as (
    insert into monthly_category_totals as m (user_id, currency, month, account_id, category_id, total, count)
    select user_id, currency, month, account_id, category_id, sum(amount), sum(count)
    from change
    group by user_id, currency, month, account_id, category_id
    having sum(count) <> 0 or sum(amount) <> 0
    order by user_id, currency, month, account_id, category_id
    on conflict (user_id, currency, month, account_id, category_id)
      do update set total = m.total + excluded.total, count = m.count + excluded.count
    returning 1
  )
  insert into monthly_merchant_totals as m (user_id, currency, month, account_id, category_id, merchant, total, count)
  select user_id, currency, month, account_id, category_id, merchant, sum(amount), sum(count)
  from change
  group by user_id, currency, month, account_id, category_id, merchant
  having sum(count) <> 0 or sum(amount) <> 0
  order by user_id, currency, month, account_id, category_id, merchant
  on conflict (user_id, currency, month, account_id, category_id, merchant)
    do update set total = m.total + excluded.total, count = m.count + excluded.count
  $$;

-- The triggers pass pre-grouped changes (one row per month, account, category and merchant), so
-- a 1000-row batch becomes a few dozen upserts and a single-row write a single one.
create function report_totals_after_insert() returns trigger
  language plpgsql
  as $$
begin
  perform report_totals_apply((
    select jsonb_agg(g) from (
      select user_id, currency, date_trunc('month', date)::date as month, account_id, category_id, merchant,
        sum(amount) as amount, count(*) as count
      from new_rows where transfer_id is null
      group by 1, 2, 3, 4, 5, 6
    ) g
  ));
  return null;
end
$$;

create function report_totals_after_delete() returns trigger
  language plpgsql
  as $$
begin
  perform report_totals_apply((
    select jsonb_agg(g) from (
      select user_id, currency, date_trunc('month', date)::date as month, account_id, category_id, merchant,
        -sum(amount) as amount, -count(*) as count
      from old_rows
      -- Deleting a user cascades to their transactions after the user row is gone; their
      -- aggregates go by the same cascade, so there is nothing to subtract from.
      where transfer_id is null and exists (select 1 from users u where u.id = old_rows.user_id)
      group by 1, 2, 3, 4, 5, 6
    ) g
  ));
  return null;
end
$$;

create function report_totals_after_update() returns trigger
  language plpgsql
  as $$
begin
  perform report_totals_apply((
    select jsonb_agg(g) from (
      select user_id, currency, date_trunc('month', date)::date as month, account_id, category_id, merchant,
        sum(amount) as amount, sum(n) as count
      from (
        select user_id, currency, date, account_id, category_id, merchant, amount, 1 as n
        from new_rows where transfer_id is null
        union all
        select user_id, currency, date, account_id, category_id, merchant, -amount, -1
        from old_rows where transfer_id is null
      ) changes
      group by 1, 2, 3, 4, 5, 6
    ) g
  ));
  return null;
end
$$;

create trigger transactions_report_totals_insert after insert on transactions
  referencing new table as new_rows for each statement execute function report_totals_after_insert();
create trigger transactions_report_totals_delete after delete on transactions
  referencing old table as old_rows for each statement execute function report_totals_after_delete();
create trigger transactions_report_totals_update after update on transactions
  referencing old table as old_rows new table as new_rows
  for each statement execute function report_totals_after_update();

-- Recomputes the aggregates from the transactions, for one user or (null) everyone:
-- `npm run reports:rebuild`, and the reference the drift tests compare against.
create function report_totals_rebuild(target_user uuid) returns void
  language sql
  as $$
  delete from monthly_category_totals where target_user is null or user_id = target_user;
  delete from monthly_merchant_totals where target_user is null or user_id = target_user;
  insert into monthly_category_totals (user_id, currency, month, account_id, category_id, total, count)
  select user_id, currency, date_trunc('month', date)::date, account_id, category_id, sum(amount), count(*)
  from transactions
  where transfer_id is null and (target_user is null or user_id = target_user)
  group by 1, 2, 3, 4, 5;
  insert into monthly_merchant_totals (user_id, currency, month, account_id, category_id, merchant, total, count)
  select user_id, currency, date_trunc('month', date)::date, account_id, category_id, merchant, sum(amount), count(*)
  from transactions
  where transfer_id is null and (target_user is null or user_id = target_user)
  group by 1, 2, 3, 4, 5, 6;
  $$;

-- Existing transactions (databases migrated before this file) start out aggregated.
select report_totals_rebuild(null);
