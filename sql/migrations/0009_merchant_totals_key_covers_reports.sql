-- The merchant and account reports read monthly_merchant_totals: 11,692 rows for a heavy user's
-- three years, scattered over as many heap pages as rows. Its unique key's index now carries the
-- totals too, so those reads are index-only, as 0008 made them for monthly_category_totals.
alter table monthly_merchant_totals
  drop constraint monthly_merchant_totals_key,
  add constraint monthly_merchant_totals_key unique nulls not distinct (user_id, currency, month, account_id, category_id, merchant)
    include (total, count);
