-- A password change or a sign-out ends every access token issued before it. Tokens carry the
-- generation they were issued in; a session is named only for a token of the user's current one
-- (personal API keys pass no generation: they end when deleted or expired).
alter table users add column token_generation integer not null default 0;

create function app_begin_session(uid uuid, generation integer) returns boolean
  language plpgsql
  as $$
begin
  perform set_config('app.user_id', uid::text, false);
  return exists (select 1 from users where id = uid and (generation is null or token_generation = generation));
end
$$;
drop function app_begin_session(uuid);

-- Sign-in reads the generation to put in the token it issues.
drop function auth_user_by_email(text);
create function auth_user_by_email(lookup_email text)
  returns table (id uuid, password_hash text, token_generation integer)
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$
    select u.id, u.password_hash, u.token_generation from users u where u.email = lower(lookup_email)
  $$;
revoke all on function auth_user_by_email(text) from public;
grant execute on function auth_user_by_email(text) to spendsense_app;
