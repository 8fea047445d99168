import type { components } from '../generated/api.ts';
import { ledgerDates, mebibytes } from '../limits.ts';

export type ProblemBody = components['schemas']['Problem'];
export type FieldError = components['schemas']['ProblemFieldError'];

/**
 * The one error type. Throw it anywhere; the error middleware turns it into an RFC 9457
 * application/problem+json answer. `type` is a slug under /problems/, stable for clients.
 */
export class Problem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    type: string;
    title: string;
    detail?: string;
    errors?: FieldError[];
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(options.detail ?? options.title, { cause: options.cause });
    this.status = options.status;
    this.type = `/problems/${options.type}`;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  body(instance: string, requestId: string): ProblemBody {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      instance,
      request_id: requestId,
      ...(this.errors === undefined ? {} : { errors: this.errors }),
    };
  }
}

/** What a request can refer to that must be the caller's own: another user's is as unknown as a made-up one. */
export type Owned = 'account' | 'category' | 'transfer category';

/** A field naming something that is not the caller's. */
export function notYours(what: Owned, pointer: string): FieldError {
  return { pointer, in: 'body', message: `is not one of your ${what === 'category' ? 'categories' : what === 'transfer category' ? 'transfer categories' : 'accounts'}` };
}

/** The same, for a query parameter. */
export function notYoursParameter(what: Owned, parameter: string): FieldError {
  const { message } = notYours(what, '');
  return { parameter, in: 'query', message };
}

export const problems = {
  validation: (errors: FieldError[], detail?: string) =>
    new Problem({
      status: 400,
      type: 'validation-error',
      title: 'Request validation failed',
      detail: detail ?? `The request has ${errors.length} invalid ${errors.length === 1 ? 'value' : 'values'}.`,
      errors,
    }),
  unauthorized: (detail = 'A valid bearer token is required.') =>
    new Problem({
      status: 401,
      type: 'unauthorized',
      title: 'Unauthorized',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer realm="spendsense"' },
    }),
  notFound: (detail = 'No such resource.') => new Problem({ status: 404, type: 'not-found', title: 'Not found', detail }),
  methodNotAllowed: (allowed: string[]) =>
    new Problem({
      status: 405,
      type: 'method-not-allowed',
      title: 'Method not allowed',
      detail: `This path accepts ${allowed.join(', ')}.`,
      headers: { Allow: allowed.join(', ') },
    }),
  /** One referenced account or category is not the caller's. */
  unknownReference: (what: Owned, pointer: string, detail = `The ${what} does not exist.`) =>
    problems.unprocessable(detail, [notYours(what, pointer)]),
  /** `later` is before `earlier` in a query (to before from). */
  reversedRange: (later = 'to', earlier = 'from') =>
    problems.validation([{ parameter: later, in: 'query', message: `is before ${earlier}` }]),
  /** A date outside the ledger's calendar, in the body (a pointer) or the query (a parameter). */
  dateOutOfRange: (where: { pointer: string } | { parameter: string }) => {
    const range = `between ${ledgerDates.earliest} and ${ledgerDates.latest}`;
    return 'pointer' in where
      ? problems.unprocessable(`Dates must lie ${range}.`, [{ pointer: where.pointer, in: 'body', message: 'is out of range' }])
      : problems.validation([{ parameter: where.parameter, in: 'query', message: `must lie ${range}` }]);
  },
  payloadTooLarge: (what: string, limitBytes: number) =>
    new Problem({ status: 413, type: 'payload-too-large', title: 'Payload too large', detail: `${what} exceeds ${mebibytes(limitBytes)}.` }),
  unsupportedMediaType: (detail: string) =>
    new Problem({ status: 415, type: 'unsupported-media-type', title: 'Unsupported media type', detail }),
  conflict: (detail: string) => new Problem({ status: 409, type: 'conflict', title: 'Conflict', detail }),
  preconditionFailed: (detail: string) =>
    new Problem({ status: 412, type: 'precondition-failed', title: 'Precondition failed', detail }),
  unprocessable: (detail: string, errors?: FieldError[]) =>
    new Problem({
      status: 422,
      type: 'unprocessable',
      title: 'Unprocessable content',
      detail,
      ...(errors ? { errors } : {}),
    }),
  tooManyRequests: (retryAfterSeconds: number, detail: string) =>
    new Problem({
      status: 429,
      type: 'too-many-requests',
      title: 'Too many requests',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  serviceUnavailable: (detail: string) =>
    new Problem({ status: 503, type: 'service-unavailable', title: 'Service unavailable', detail }),
  internal: (cause: unknown) =>
    new Problem({
      status: 500,
      type: 'internal-error',
      title: 'Internal server error',
      detail: 'Something went wrong on our side; quote the request_id if you report it.',
      cause,
    }),
};
