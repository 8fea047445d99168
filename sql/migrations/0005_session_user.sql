-- Reads name the caller once per pooled connection instead of once per request: a session-level
-- setting, replaced whenever the connection serves another user (or is re-checked, at least
-- every second). Writes keep naming the caller per transaction with app_begin_request().
create function app_begin_session(uid uuid) returns boolean
  language plpgsql
  as $$
begin
  perform set_config('app.user_id', uid::text, false);
  return exists (select 1 from users where id = uid);
end
$$;
