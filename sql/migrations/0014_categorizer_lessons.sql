-- What the user taught their categorizer since its state was last written: a write that files a
-- transaction appends one small row here in its own transaction (no lock on the state, no rewrite
-- of it), and readers apply the pending lessons over the state. Every sixteen lessons one write folds
-- them into categorizer_states and deletes them.
create table categorizer_lessons (
  id bigint generated always as identity,
  user_id uuid not null,
  input jsonb not null,
  category_id uuid not null,
  correction boolean not null default false,
  created_at timestamptz not null default now(),
  constraint categorizer_lessons_pkey primary key (id),
  constraint categorizer_lessons_user_id_fkey foreign key (user_id) references users (id) on delete cascade
);
create index categorizer_lessons_user_idx on categorizer_lessons (user_id, id);
alter table categorizer_lessons enable row level security;
create policy categorizer_lessons_isolation on categorizer_lessons using (user_id = current_app_user());
-- update only for the row locks a fold takes (select … for update); lessons are never changed.
grant select, insert, update, delete on categorizer_lessons to spendsense_app;
