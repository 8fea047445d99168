-- The category aggregate drops its account dimension: most reports (spending by category, group
-- or month, cash flow, trends, budgets) span every account, and a user who spreads a category
-- over three cards tripled the rows those reports read. Reports scoped to or grouped by account
-- read monthly_merchant_totals, which keeps the account.

drop table monthly_category_totals;

create table monthly_category_totals (
  user_id uuid not null,
  currency char(3) not null,
  month date not null,
  category_id uuid,
  total bigint not null,
  count integer not null,
  constraint monthly_category_totals_key unique nulls not distinct (user_id, currency, month, category_id),
  constraint monthly_category_totals_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint monthly_category_totals_month_check check (extract(day from month) = 1)
);
alter table monthly_category_totals enable row level security;
create policy monthly_category_totals_isolation on monthly_category_totals using (user_id = current_app_user());
grant select, insert, update, delete on monthly_category_totals to spendsense_app;

create or replace function report_totals_apply(changes jsonb) returns void
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
    insert into monthly_category_totals as m (user_id, currency, month, category_id, total, count)
    select user_id, currency, month, category_id, sum(amount), sum(count)
    from change
    group by user_id, currency, month, category_id
    having sum(count) <> 0 or sum(amount) <> 0
    order by user_id, currency, month, category_id
    on conflict (user_id, currency, month, category_id)
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

create or replace function report_totals_rebuild(target_user uuid) returns void
  language sql
  as $$
  delete from monthly_category_totals where target_user is null or user_id = target_user;
  delete from monthly_merchant_totals where target_user is null or user_id = target_user;
  insert into monthly_category_totals (user_id, currency, month, category_id, total, count)
  select user_id, currency, date_trunc('month', date)::date, category_id, sum(amount), count(*)
  from transactions
  where transfer_id is null and (target_user is null or user_id = target_user)
  group by 1, 2, 3, 4;
  insert into monthly_merchant_totals (user_id, currency, month, account_id, category_id, merchant, total, count)
  select user_id, currency, date_trunc('month', date)::date, account_id, category_id, merchant, sum(amount), count(*)
  from transactions
  where transfer_id is null and (target_user is null or user_id = target_user)
  group by 1, 2, 3, 4, 5, 6;
  $$;

select report_totals_rebuild(null);
