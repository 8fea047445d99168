-- Expired keys are cleared per user as new ones arrive (where user_id = … and created_at <= …):
-- index that, so the clean-up does not walk every key a busy client ever sent.
drop index idempotency_keys_created_idx;
create index idempotency_keys_user_created_idx on idempotency_keys (user_id, created_at);
