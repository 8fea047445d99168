// Requests by contract operation and status class: a count, a duration histogram and the number in
// flight. The operation is the contract's operationId (dispatch.ts names it as it starts the
// handler), so the label set is bounded by the contract, never by the paths callers send.
import type { Request, RequestHandler, Response } from 'express';
import type { OpenAPIBackend } from 'openapi-backend';
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from './metrics.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The contract operation that answers this request, once routing has found it. */
    operationId?: string;
    /** When the request reached the app (`performance.now()`), for its duration. */
    metricsStartedAt?: number;
  }
}

/** The operation label of a request no operation answered: the docs pages, or a path the contract lacks. */
const docsLabel = 'docs';
const unmatchedLabel = 'unmatched';
const docsPath = /^\/(?:docs|reference|openapi\.(?:json|yaml))(?:\/|$)/;

const requests = new Counter({
  name: 'spendsense_http_requests_total',
  help: 'Requests answered, by contract operation (operationId; docs; unmatched) and status class (2xx…5xx; aborted: the caller hung up first).',
  labelNames: ['operation', 'status_class'] as const,
  registers: [registry],
});
const duration = new Histogram({
  name: 'spendsense_http_request_duration_seconds',
  help: 'Time from the request reaching the app to its answer being handed to the socket, by operation and status class.',
  labelNames: ['operation', 'status_class'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

let inFlight = 0;
new Gauge({
  name: 'spendsense_http_requests_in_flight',
  help: 'Requests the app has received and not yet answered.',
  registers: [registry],
  collect() {
    this.set(inFlight);
  },
});

const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx', 'aborted'] as const;
type Series = { count: Counter.Internal; duration: Histogram.Internal<'operation' | 'status_class'> };

/**
 * The bound series of each operation and status class, made on first use: a request looks its pair
 * up instead of building label objects. (prom-client still hashes a bound child's labels on each
 * inc and observe: under a microsecond a request, against a list request's ~400 µs of CPU.)
 */
const seriesByOperation = new Map<string, (Series | undefined)[]>();

function seriesOf(operation: string, statusClass: number): Series {
  let row = seriesByOperation.get(operation);
  if (!row) seriesByOperation.set(operation, (row = []));
  let series = row[statusClass];
  if (!series) {
    const label = statusClasses[statusClass]!;
    series = row[statusClass] = { count: requests.labels(operation, label), duration: duration.labels(operation, label) };
  }
  return series;
}

/** 0–4 for 1xx–5xx, 5 when the answer never finished (the caller hung up, the connection broke). */
function statusClassOf(response: Response): number {
  if (!response.writableFinished) return 5;
  const index = Math.floor(response.statusCode / 100) - 1;
  return index >= 0 && index <= 4 ? index : 4;
}

/**
 * A request that never reached an operation handler: routed again here (rarely: a 400 for a
 * malformed body, a 401, a 404), so it still counts under its operation when it has one.
 */
function operationOf(request: Request, api: OpenAPIBackend): string {
  if (request.operationId !== undefined) return request.operationId;
  if (docsPath.test(request.path)) return docsLabel;
  const operation = api.router.matchOperation({ method: request.method, path: request.path, headers: {} });
  return operation?.operationId ?? unmatchedLabel;
}

/**
 * Counts every request the app answers. One listener function for all responses (no closure per
 * request); 'close' comes once per response, after 'finish' or instead of it.
 */
export function requestMetrics(api: OpenAPIBackend): RequestHandler {
  function recordRequest(this: Response): void {
    inFlight -= 1;
    const request = this.req;
    const series = seriesOf(operationOf(request, api), statusClassOf(this));
    series.count.inc();
    series.duration.observe((performance.now() - request.metricsStartedAt!) / 1000);
  }
  return (request, response, next) => {
    inFlight += 1;
    request.metricsStartedAt = performance.now();
    response.on('close', recordRequest);
    next();
  };
}

/** Names the operation answering the request (dispatch.ts, as the handler starts). */
export function nameOperation(request: Request, operationId: string): void {
  request.operationId = operationId;
}
