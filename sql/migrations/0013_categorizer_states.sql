-- The learned categorizer's per-user state (src/features/categorization): its sparse softmax
-- weights, payee memory and taxonomy translations, as the compact JSON the pure module writes.
-- `version` grows with every change, so a process can keep a parsed copy and re-read only when
-- another write (on any replica) has moved it on.
create table categorizer_states (
  user_id uuid not null,
  version bigint not null default 1,
  label_count integer not null default 0,
  state jsonb not null,
  updated_at timestamptz not null default now(),
  constraint categorizer_states_pkey primary key (user_id),
  constraint categorizer_states_user_id_fkey foreign key (user_id) references users (id) on delete cascade
);
alter table categorizer_states enable row level security;
create policy categorizer_states_isolation on categorizer_states using (user_id = current_app_user());
grant select, insert, update, delete on categorizer_states to spendsense_app;
