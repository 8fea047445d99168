// The SpendSense API client: openapi-fetch over the generated contract types, with the API's
// conventions built in — bearer auth, errors thrown as ProblemError, Idempotency-Key on creates,
// a bounded retry of 429s, 503s and network errors, and cursor pages as async iterators.
import createClient, { type HeadersOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../generated/api.ts';
import { bearerAuth } from './auth.ts';
import { idempotencyKeys } from './idempotency.ts';
import { paginateWith, pagesWith, type PageFetcher } from './pages.ts';
import { problemErrorFrom } from './problem-error.ts';
import { retryingFetch, type Fetch, type RetryOptions } from './retry.ts';
import type { ClientMethod } from './types.ts';

export { currencyExponent, formatMoney, fromDecimalString, toDecimalString } from './money.ts';
export { ProblemError, retryAfterSeconds, type Problem, type ProblemFieldError } from './problem-error.ts';
export { idempotentCreatePaths, type IdempotentCreatePath } from './idempotency.ts';
export type { Paginate, Pages } from './pages.ts';
export type { Fetch, RetryOptions } from './retry.ts';
export type * from './types.ts';

export type SpendSenseClientOptions = {
  /** The API's origin, e.g. `http://localhost:8000`; '' (the default) is the page's own origin in a browser. */
  baseUrl?: string;
  /** A JWT from sign-up or sign-in, or a personal API key (`ss_…`); both go as `Authorization: Bearer`. */
  token?: string;
  /** Headers sent with every request. */
  headers?: HeadersOptions;
  /** Retry of 429s, and of 503s and network errors for requests safe to resend; `false` turns it off. */
  retry?: RetryOptions | false;
  /** The fetch to send requests with (default: globalThis.fetch). */
  fetch?: Fetch;
  /** Makes the Idempotency-Key of a create sent without one (default: crypto.randomUUID). */
  newIdempotencyKey?: () => string;
};

type SignupRequest = components['schemas']['SignupRequest'];
type SignupResult = components['schemas']['SignupResult'];
type AccessToken = components['schemas']['AccessToken'];

/** Throws a ProblemError for every answer that is not 2xx. */
const throwProblems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await problemErrorFrom(response);
    return undefined;
  },
};

export function createSpendSenseClient(options: SpendSenseClientOptions = {}) {
  const { baseUrl = '', headers, retry = {}, newIdempotencyKey } = options;
  const send: Fetch = options.fetch ?? ((request) => globalThis.fetch(request));
  let token = options.token;
  const client = createClient<paths>({ baseUrl, ...(headers ? { headers } : {}), fetch: retry === false ? send : retryingFetch(send, retry) });
  client.use(bearerAuth(() => token), idempotencyKeys(newIdempotencyKey), throwProblems);

  // The same functions as openapi-fetch's: throwProblems makes a resolved call a successful one,
  // which the ClientMethod type states.
  const GET = client.GET as unknown as ClientMethod<'get'>;
  const POST = client.POST as unknown as ClientMethod<'post'>;
  const getPage = client.GET as unknown as PageFetcher;

  return {
    GET,
    POST,
    PUT: client.PUT as unknown as ClientMethod<'put'>,
    PATCH: client.PATCH as unknown as ClientMethod<'patch'>,
    DELETE: client.DELETE as unknown as ClientMethod<'delete'>,
    /** Every item of a cursor-paged list: `for await (const tx of client.paginate('/v1/transactions'))`. */
    paginate: paginateWith(getPage),
    /** Every page of a cursor-paged list, for a caller that shows one page at a time. */
    pages: pagesWith(getPage),
    /** The credential sent now, if any. */
    get token(): string | undefined {
      return token;
    },
    /** Sends this JWT or API key from now on; undefined sends none. */
    setToken(next: string | undefined): void {
      token = next;
    },
    /** Creates a user and signs in as them. */
    async signUp(body: SignupRequest): Promise<SignupResult> {
      const { data } = await POST('/v1/auth/signup', { body });
      token = data.access_token;
      return data;
    },
    /** Exchanges email and password for a token and sends it from now on. */
    async signIn(email: string, password: string): Promise<AccessToken> {
      const { data } = await POST('/v1/auth/token', { body: { email, password } });
      token = data.access_token;
      return data;
    },
    /** Ends every token issued to this user (on every device) and stops sending one. */
    async signOut(): Promise<void> {
      await POST('/v1/auth/logout');
      token = undefined;
    },
    /** Adds openapi-fetch middleware (runs after auth and Idempotency-Key, before errors are thrown). */
    use: (...middleware: Middleware[]) => client.use(...middleware),
    eject: (...middleware: Middleware[]) => client.eject(...middleware),
  };
}

export type SpendSenseClient = ReturnType<typeof createSpendSenseClient>;
