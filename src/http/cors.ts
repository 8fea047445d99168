import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * What a browser page on another origin may send and read. No credentials: the API authenticates
 * with a bearer token or API key in a header, never a cookie, so an allowed origin gains nothing
 * a script could not already do with the token it holds.
 */
const allowedHeaders = ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'];
const exposedHeaders = ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed'];
/** Browsers cap it (Chromium at 2 h); a day asks for the most any of them gives. */
const preflightMaxAgeSeconds = 86_400;

/**
 * CORS from an allow-list (`CORS_ORIGINS`; `*` allows any origin). A request without an Origin,
 * or from an origin not listed, gets no CORS headers and is answered as usual: the browser, not
 * the server, withholds the answer from the page. An OPTIONS that is not a preflight is routed
 * like any request (and answers 405).
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  const anyOrigin = origins.includes('*');
  const listed = new Set(origins);
  const policy = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (anyOrigin || listed.has(origin))),
    credentials: false,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders,
    exposedHeaders,
    maxAge: preflightMaxAgeSeconds,
  });
  return (request, response, next) => {
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] === undefined) {
      next();
      return;
    }
    policy(request, response, next);
  };
}
