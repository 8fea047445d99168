// OpenTelemetry tracing of the real server process, started as `npm start` starts it (`--import
// ./src/observability/tracing.ts`), exporting to an OTLP/HTTP receiver in this test: the caller's
// `traceparent` continues into the server span, the pg spans hang below it, the request's JSON log
// line names the trace, and SIGTERM flushes what is still buffered.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { startServerProcess, type LogLine, type ServerProcess } from './helpers/server-process.ts';

type Attribute = { key: string; value: { stringValue?: string; intValue?: number | string } };
type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: Attribute[] };
type ExportRequest = { resourceSpans: { resource: { attributes: Attribute[] }; scopeSpans: { scope: { name: string }; spans: Span[] }[] }[] };
type ReceivedSpan = Span & { scope: string; serviceName: string | undefined };

const serverKind = 2; // SPAN_KIND_SERVER

/** OTLP/JSON ids are hex; tolerate base64 (the protobuf mapping) all the same. */
const hexId = (id: string | undefined) => (id === undefined || id === '' ? undefined : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

/** A collector's POST /v1/traces, OTLP/HTTP with JSON bodies: keeps every span it is sent. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; paths: string[]; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      paths.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      if (request.url === '/v1/traces' && /json/.test(request.headers['content-type'] ?? '')) {
        const exported = JSON.parse(body.toString('utf8')) as ExportRequest;
        for (const resourceSpans of exported.resourceSpans) {
          const serviceName = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue;
          for (const scopeSpans of resourceSpans.scopeSpans) {
            for (const span of scopeSpans.spans) {
              spans.push({ ...span, traceId: hexId(span.traceId)!, spanId: hexId(span.spanId)!, parentSpanId: hexId(span.parentSpanId), scope: scopeSpans.scope.name, serviceName });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const traceId = randomBytes(16).toString('hex');
const callerSpanId = randomBytes(8).toString('hex');
const traceparent = `00-${traceId}-${callerSpanId}-01`;

let database: TestDatabase;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let server: ServerProcess;
let requestId: string | null;
let exitCode: number | null;

beforeAll(async () => {
  [database, receiver] = await Promise.all([createTestDatabase(), startReceiver()]);
  server = startServerProcess({
    DATABASE_URL: database.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    // Nothing leaves before shutdown: the spans the test sees are the ones SIGTERM flushed.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  });
  const port = await server.listening(60_000);
  const signUp = await fetch(`http://127.0.0.1:${port}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ email: `tracing-${Date.now()}@example.com`, password: 'correct horse battery', default_currency: 'EUR' }),
  });
  expect(signUp.status).toBe(201);
  requestId = signUp.headers.get('x-request-id');
  // An untraced probe, then the signal.
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  server.child.kill('SIGTERM');
  exitCode = (await server.exited).code;
}, 90_000);

afterAll(async () => {
  await server?.kill();
  await receiver?.close();
  await database?.drop();
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  const ofTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
  const serverSpan = () => ofTrace().find((span) => span.kind === serverKind && span.scope === '@opentelemetry/instrumentation-http');

  it('flushes the spans on SIGTERM, after the drain, and still exits 0', () => {
    expect(exitCode).toBe(0);
    expect(receiver.paths.every((path) => path.startsWith('POST /v1/traces application/json'))).toBe(true);
    expect(ofTrace().length).toBeGreaterThan(0);
  });

  it("continues the caller's trace: the server span is a child of the traceparent's span, named by the service", () => {
    const span = serverSpan();
    expect(span).toBeDefined();
    expect(span!.parentSpanId).toBe(callerSpanId);
    expect(span!.serviceName).toBe('spendsense');
  });

  it('has the database statements as pg spans under the server span', () => {
    const spans = ofTrace();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const pgSpans = spans.filter((span) => span.scope === '@opentelemetry/instrumentation-pg' && span.name.startsWith('pg.query'));
    expect(pgSpans.length).toBeGreaterThan(0);
    const root = serverSpan()!;
    for (const span of pgSpans) {
      let ancestor: Span | undefined = span;
      while (ancestor && ancestor.spanId !== root.spanId) ancestor = byId.get(ancestor.parentSpanId ?? '');
      expect(ancestor).toBe(root);
    }
    // The statement's text, never the values bound to it (the password hash, the email).
    expect(JSON.stringify(pgSpans)).not.toContain('@example.com');
  });

  it("writes the trace and span ids into the request's JSON log line", () => {
    const line = server.logs.find((candidate: LogLine) => candidate.msg === 'request completed' && candidate.reqId === requestId);
    expect(line).toBeDefined();
    expect(line!.trace_id).toBe(traceId);
    expect(line!.span_id).toBe(serverSpan()!.spanId);
  });

  it('traces no probe', () => {
    const probes = receiver.spans.filter((span) => span.kind === serverKind && JSON.stringify(span.attributes ?? []).includes('/healthz'));
    expect(probes).toEqual([]);
    const probeLine = server.logs.find((candidate) => candidate.msg === 'request completed' && (candidate.req as { path?: string } | undefined)?.path === '/healthz');
    expect(probeLine).toBeDefined();
    expect(probeLine!.trace_id).toBeUndefined();
  });
});
