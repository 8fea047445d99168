-- One statement trigger for an insert into transactions instead of four: the ledger revision, the
-- per-currency volume, the monthly report totals and the account balances are kept by one
-- function, read straight from the inserted rows (the report totals no longer pass through
-- jsonb). Same tables in the same order as the four triggers took them (they fired by name:
-- ledger_revisions, ledger_volumes, report totals, accounts), so concurrent writes lock alike.
create or replace function transactions_after_insert() returns trigger
language plpgsql as $$
begin
  -- The inserted rows' users exist: their foreign key said so.
  insert into ledger_revisions as r (user_id, revision)
  select distinct user_id, 1 from new_rows
  order by 1
  on conflict (user_id) do update set revision = r.revision + 1;

  perform ledger_volumes_add(array_agg(user_id), array_agg(currency), array_agg(volume), 'transactions_volume_limit')
  from (select user_id, currency, sum(abs(amount)) as volume from new_rows group by user_id, currency) d;

  with by_category as (
    insert into monthly_category_totals as m (user_id, currency, month, category_id, total, count)
    select user_id, currency, date_trunc('month', date)::date, category_id, sum(amount), count(*)
    from new_rows where transfer_id is null
    group by 1, 2, 3, 4
    order by 1, 2, 3, 4
    on conflict (user_id, currency, month, category_id)
      do update set total = m.total + excluded.total, count = m.count + excluded.count
    returning 1
  )
  insert into monthly_merchant_totals as m (user_id, currency, month, account_id, category_id, merchant, total, count)
  select user_id, currency, date_trunc('month', date)::date, account_id, category_id, merchant, sum(amount), count(*)
  from new_rows where transfer_id is null
  group by 1, 2, 3, 4, 5, 6
  order by 1, 2, 3, 4, 5, 6
  on conflict (user_id, currency, month, account_id, category_id, merchant)
    do update set total = m.total + excluded.total, count = m.count + excluded.count;

  update accounts a set transactions_total = a.transactions_total + d.total
  from (select user_id, account_id, sum(amount)::bigint as total from new_rows group by user_id, account_id) d
  where a.user_id = d.user_id and a.id = d.account_id;
  return null;
end
$$;

drop trigger transactions_ledger_revisions_insert on transactions;
drop trigger transactions_ledger_volumes_insert on transactions;
drop trigger transactions_report_totals_insert on transactions;
drop trigger transactions_totals_insert on transactions;
drop function report_totals_after_insert();
drop function ledger_volumes_after_transactions_insert();
drop function transactions_totals_after_insert();
create trigger transactions_after_insert after insert on transactions
  referencing new table as new_rows for each statement execute function transactions_after_insert();
