// The API takes one credential, as a bearer token: a JWT from sign-up or sign-in, or a personal
// API key (`ss_…`). It is read at each request, so signing in on a live client takes effect at once.
import type { Middleware } from 'openapi-fetch';

/** Sends `Authorization: Bearer <token>` when there is a token and the call did not set its own. */
export function bearerAuth(currentToken: () => string | undefined): Middleware {
  return {
    onRequest({ request }) {
      const token = currentToken();
      if (token === undefined || request.headers.has('authorization')) return undefined;
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
}
