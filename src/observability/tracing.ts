// OpenTelemetry tracing, loaded before the app: `node --import ./src/observability/tracing.ts
// src/server.ts` (`--import ./dist/observability/tracing.js dist/server.js` in the image). Does
// nothing unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; then
// the SDK starts here, before express and pg are loaded, so its instrumentations can patch them.
// The Node check comes first, as it does for server.ts.
import '../node-version.ts';
import { startTracing } from './tracing-sdk.ts';

await startTracing(process.env);
