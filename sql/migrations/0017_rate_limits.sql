-- Request budgets shared by every API process: one row per policy, subject (a user or a client
-- address) and fixed window, counting the requests the processes have claimed in it. Processes
-- claim a few requests at a time and spend them from memory (src/http/rate-limit.ts), so only one
-- request in a lease pays this round trip. Unlogged: losing the counts in a crash only forgives
-- one window, and skipping the WAL keeps the hot upsert cheap (standbys never read it).
-- Not a user table: the subject may be an address, and a row lives one window; under Citus it
-- stays a local table on the coordinator.
create unlogged table rate_limit_windows (
  bucket text not null,
  window_start bigint not null,
  claimed integer not null,
  expires_at timestamptz not null,
  constraint rate_limit_windows_pkey primary key (bucket, window_start)
);
create index rate_limit_windows_expires_at on rate_limit_windows (expires_at);
grant select, insert, update, delete on rate_limit_windows to spendsense_app;
