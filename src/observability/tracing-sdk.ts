// Starting and stopping the OpenTelemetry SDK. tracing.ts starts it (loaded with `node --import`,
// before the app's modules, so the instrumentations can patch them); server.ts stops it as its last
// shutdown step, after the requests drained, to flush their spans. Both import this module by the
// same URL, so they share the one SDK. Nothing heavy is imported unless tracing is on.

type Env = Record<string, string | undefined>;

let running: { shutdown: () => Promise<void> } | undefined;

/** Where spans go: the OTLP endpoint the standard variables name, if any. Unset: tracing is off. */
export function tracingEndpoint(env: Env): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

/** Ops traffic that would only bury the requests: load-balancer probes, scrapes. */
const untracedPaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The SDK with the http, express and pg instrumentations only, exporting spans over OTLP/HTTP
 * (OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf unless set; the endpoint, headers, sampler and
 * batching come from the standard OTEL_* variables). No metrics (Prometheus has them) and no log
 * export (the JSON logs carry the trace id instead). Propagation is W3C `traceparent` (and baggage),
 * the SDK's default.
 */
export async function startTracing(env: Env): Promise<void> {
  if (running || tracingEndpoint(env) === undefined || env.OTEL_SDK_DISABLED === 'true') return;
  const [{ NodeSDK }, { HttpInstrumentation }, { ExpressInstrumentation, ExpressLayerType }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'spendsense',
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => untracedPaths.has(request.url?.split('?')[0] ?? '') }),
      // Middleware and router layers off: such a span times only the layer's synchronous part (the
      // instrumentation's own caveat), a request passes a dozen of them, and with them off the
      // span active in the app is the HTTP server span, the one the request's log line names.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // Statement text only, never the values bound to it; no spans outside a request.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  running = sdk;
}

/** Flushes the spans still buffered and stops the SDK; gives up after `timeoutMs` (an unreachable collector must not hold the exit). */
export async function stopTracing(timeoutMs = 5_000): Promise<void> {
  const sdk = running;
  if (!sdk) return;
  running = undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([sdk.shutdown().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
