// Every non-2xx answer becomes one typed error, so callers branch on `type` and field errors
// instead of parsing bodies; an answer that is not problem+json (a proxy's HTML 502) still
// gets one, built from the status line.
import type { components } from '../generated/api.ts';

export type Problem = components['schemas']['Problem'];
export type ProblemFieldError = components['schemas']['ProblemFieldError'];

/** Seconds a `Retry-After` header asks to wait (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

export class ProblemError extends Error {
  /** The problem's kind, e.g. `/problems/validation-error`: stable, the thing to branch on. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  /** Quote it when asking for support; also the answer's `X-Request-Id`. */
  readonly request_id: string | undefined;
  /** For validation failures, one entry per offending field (`pointer`) or parameter (`parameter`). */
  readonly errors: ProblemFieldError[];
  /** The answer's `Retry-After`, in seconds, when it had one (429, 503). */
  readonly retryAfterSeconds: number | undefined;
  readonly response: Response;

  constructor(problem: Problem, response: Response) {
    super(problem.detail ? `${problem.status} ${problem.title}: ${problem.detail}` : `${problem.status} ${problem.title}`);
    this.name = 'ProblemError';
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.request_id = problem.request_id ?? response.headers.get('x-request-id') ?? undefined;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds(response.headers.get('retry-after'));
    this.response = response;
  }

  /** The field error about a body member (`'#/amount'`) or a parameter (`'limit'`), if there is one. */
  errorAt(pointerOrParameter: string): ProblemFieldError | undefined {
    return this.errors.find((error) => error.pointer === pointerOrParameter || error.parameter === pointerOrParameter);
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { type, title, status } = body as Record<string, unknown>;
  return typeof type === 'string' && typeof title === 'string' && typeof status === 'number';
}

/** The ProblemError a non-2xx answer stands for; reads a copy of the body, so the response stays readable. */
export async function problemErrorFrom(response: Response): Promise<ProblemError> {
  const text = await response.clone().text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isProblem(body)) return new ProblemError(body, response);
  const title = response.statusText || `HTTP ${response.status}`;
  const detail = text.trim().slice(0, 500) || undefined;
  return new ProblemError({ type: 'about:blank', title, status: response.status, ...(detail ? { detail } : {}) }, response);
}
