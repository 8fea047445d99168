import type { RequestHandler, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's response headers, worked out once. helmet runs a dozen middlewares per request that
 * set the same constant headers (3 % of a list request's CPU); this asks helmet for them at start
 * and sets them in one call, so the policy stays helmet's.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  let synchronous = false;
  helmet(options)({} as never, recorder as unknown as Response, () => {
    synchronous = true;
  });
  // helmet's middlewares are synchronous today; if one ever is not, fail at start, not per request.
  if (!synchronous) throw new Error('helmet did not finish synchronously; securityHeaders cannot precompute its headers');
  return (_request, response, next) => {
    response.setHeaders(headers);
    next();
  };
}
