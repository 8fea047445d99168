-- Rules, merchant aliases and the learned categorizer's per-user state (issue: every transaction
-- arrives categorized and named). Every table is the user's own, under row-level security, and
-- goes with the user (on delete cascade).

create table rules (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null,
  priority integer not null default 100,
  enabled boolean not null default true,
  match text not null default 'all',
  -- The conditions as the contract states them; checked by the API (patterns compile in linear time).
  conditions jsonb not null,
  -- Actions as columns, so the category is a real reference: deleting it clears the action.
  set_category_id uuid,
  set_merchant text,
  add_tags text[] not null default '{}',
  set_notes text,
  created_at timestamptz not null default date_trunc('milliseconds', now()),
  updated_at timestamptz not null default now(),
  constraint rules_pkey primary key (id),
  constraint rules_user_id_key unique (user_id, id),
  constraint rules_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint rules_set_category_fkey foreign key (user_id, set_category_id)
    references categories (user_id, id) on delete set null (set_category_id),
  constraint rules_name_length check (char_length(name) between 1 and 100),
  constraint rules_priority_range check (priority between 0 and 10000),
  constraint rules_match_check check (match in ('all', 'any')),
  constraint rules_conditions_shape check (jsonb_typeof(conditions) = 'array' and jsonb_array_length(conditions) between 1 and 20),
  constraint rules_set_merchant_length check (char_length(set_merchant) between 1 and 200),
  constraint rules_set_notes_length check (char_length(set_notes) <= 2000),
  constraint rules_add_tags_count check (cardinality(add_tags) <= 20)
);
create index rules_user_order_idx on rules (user_id, priority, created_at, id);
create index rules_set_category_idx on rules (set_category_id) where set_category_id is not null;
create trigger rules_touch_updated_at before update on rules
  for each row execute function touch_updated_at();

-- The rule that categorized a transaction (categorized_by = 'rule'); a deleted rule leaves the
-- category in place and this empty.
alter table transactions add column rule_id uuid;
alter table transactions add constraint transactions_rule_fkey
  foreign key (user_id, rule_id) references rules (user_id, id) on delete set null (rule_id);
create index transactions_rule_idx on transactions (user_id, rule_id) where rule_id is not null;
alter table transactions add constraint transactions_rule_means_rule check (rule_id is null or categorized_by = 'rule');

-- The cleaned merchant key a transaction's merchant was derived from: what a rename is
-- remembered by, and what the categorizer's payee memory counts.
alter table transactions add column merchant_key text;
alter table transactions add constraint transactions_merchant_key_length check (char_length(merchant_key) between 1 and 200);

-- A user's own name for a cleaned merchant key, learned when they rename a merchant.
create table merchant_aliases (
  user_id uuid not null,
  merchant_key text not null,
  name text not null,
  updated_at timestamptz not null default now(),
  constraint merchant_aliases_pkey primary key (user_id, merchant_key),
  constraint merchant_aliases_user_id_fkey foreign key (user_id) references users (id) on delete cascade,
  constraint merchant_aliases_key_length check (char_length(merchant_key) between 1 and 200),
  constraint merchant_aliases_name_length check (char_length(name) between 1 and 200)
);

alter table users add column auto_categorize_threshold double precision not null default 0.9;
alter table users add constraint users_auto_categorize_threshold_range check (auto_categorize_threshold between 0.5 and 1);

alter table rules enable row level security;
create policy rules_isolation on rules using (user_id = current_app_user());
alter table merchant_aliases enable row level security;
create policy merchant_aliases_isolation on merchant_aliases using (user_id = current_app_user());
grant select, insert, update, delete on rules, merchant_aliases to spendsense_app;
