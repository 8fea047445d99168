// A small, bounded retry of 429s, 503s and network errors, in the fetch under openapi-fetch so
// it resends the very Request its middleware built: a create keeps its Idempotency-Key, and the
// server applies it once however many attempts reach it.
import { retryAfterSeconds } from './problem-error.ts';

export type RetryOptions = {
  /** Retries after the first attempt (default 2). */
  retries?: number;
  /** Wait before retry n (0-based) when the answer gives no Retry-After: base × 2ⁿ ms (default 250). */
  baseDelayMs?: number;
  /** A Retry-After longer than this (seconds, default 10) is not waited for: the 429 or 503 is answered. */
  maxRetryAfterSeconds?: number;
};

export type Fetch = (request: Request) => Promise<Response>;
export type Sleep = (milliseconds: number) => Promise<void>;

const sleepFor: Sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Only requests that are safe to send twice: idempotent methods, and anything under an Idempotency-Key. */
export function isSafeToResend(request: Request): boolean {
  return idempotentMethods.has(request.method) || request.headers.has('idempotency-key');
}

/**
 * Whether an answer is worth waiting out: a 429 changed nothing (the rate limit answers before
 * any handler), so any request may go again; after a 503 only a request safe to send twice.
 */
function retried(request: Request, status: number): boolean {
  return status === 429 || (status === 503 && isSafeToResend(request));
}

/**
 * A fetch that resends a request after a 429 or, when safe, after a 503 (honouring Retry-After)
 * or a network error.
 */
export function retryingFetch(fetch: Fetch, options: RetryOptions = {}, sleep: Sleep = sleepFor): Fetch {
  const { retries = 2, baseDelayMs = 250, maxRetryAfterSeconds = 10 } = options;
  return async (request) => {
    for (let attempt = 0; ; attempt += 1) {
      const last = attempt >= retries;
      // Each attempt sends a copy: a body can be read once, and the next attempt needs it again.
      const sent = last ? request : request.clone();
      let waitMs: number;
      try {
        const response = await fetch(sent);
        if (last || !retried(request, response.status)) return response;
        const asked = retryAfterSeconds(response.headers.get('retry-after'));
        if (asked !== undefined && asked > maxRetryAfterSeconds) return response;
        await response.body?.cancel();
        waitMs = asked === undefined ? baseDelayMs * 2 ** attempt : asked * 1000;
      } catch (error) {
        // fetch rejects with a TypeError for network failures; an abort or a bug is not retried.
        if (last || !isSafeToResend(request) || !(error instanceof TypeError) || request.signal.aborted) throw error;
        waitMs = baseDelayMs * 2 ** attempt;
      }
      await sleep(waitMs);
      request.signal.throwIfAborted();
    }
  };
}
