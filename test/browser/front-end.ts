// A front end served from another origin (another port on 127.0.0.1), as a page on
// http://localhost:5173 would be: the browser, not the test, decides whether CORS lets it in.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

export type FrontEnd = { origin: string; close: () => Promise<void> };

/** An origin serving one empty page, from which a test's script calls the API. */
export async function startFrontEnd(): Promise<FrontEnd> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>front end</title><h1>front end</h1>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export type FrontEndCalls = { signup: number; me: number; email: string | null; requestId: string | null } | { failed: string };

/**
 * From the page: sign up (a JSON POST, so the browser sends a preflight), then read /v1/me with
 * the token and an exposed header. A call CORS refuses rejects with a TypeError.
 */
export function callApiFromPage(page: Page, api: string): Promise<FrontEndCalls> {
  return page.evaluate(async (base) => {
    try {
      const email = `front-end-${Date.now()}@example.com`;
      const signup = await fetch(`${base}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery', default_currency: 'EUR' }),
      });
      const { access_token: token } = (await signup.json()) as { access_token: string };
      const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await me.json()) as { email?: string };
      return { signup: signup.status, me: me.status, email: body.email ?? null, requestId: me.headers.get('x-request-id') };
    } catch (error) {
      return { failed: String(error) };
    }
  }, api);
}
