// GET /metrics on a port of its own (METRICS_PORT), apart from the app: the public load balancer
// forwards only the app's port, so the series are never on the internet. In cluster mode the
// primary serves it and asks every worker for its series (prom-client's AggregatorRegistry).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from 'pino';
import { ListenError } from '../http-server.ts';
import { registry, startProcessMetrics } from './metrics.ts';

export type MetricsServer = { port: number; stop: () => Promise<void> };

type Exposition = { contentType: string; render: () => Promise<string> };

/** This process's series, or (in a cluster's primary) the workers' summed per series. */
function exposition(aggregateWorkers: boolean): Exposition {
  if (!aggregateWorkers) {
    startProcessMetrics();
    return { contentType: registry.contentType, render: () => registry.metrics() };
  }
  const workers = new AggregatorRegistry();
  return { contentType: workers.contentType, render: () => workers.clusterMetrics() };
}

/** A cluster worker: answers the primary's requests for its series (the primary serves them). */
export function exportMetricsToPrimary(): void {
  startProcessMetrics();
  AggregatorRegistry.setRegistries([registry]);
  // The constructor registers the worker's listener for the primary's requests.
  new AggregatorRegistry();
}

function listenFailure(error: NodeJS.ErrnoException, port: number): string {
  if (error.code === 'EADDRINUSE') return `METRICS_PORT ${port} is already in use: choose another METRICS_PORT, or METRICS_PORT=off.`;
  if (error.code === 'EACCES') return `Not allowed to listen on METRICS_PORT ${port} (ports below 1024 need privileges): choose another.`;
  return `Could not listen on METRICS_PORT ${port}.`;
}

/** Listens on `port` (0: any free one) and serves GET /metrics; everything else is 404. */
export async function startMetricsServer(port: number, options: { logger: Logger; aggregateWorkers: boolean }): Promise<MetricsServer> {
  const { contentType, render } = exposition(options.aggregateWorkers);
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found: the metrics are at GET /metrics.\n');
      return;
    }
    render().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'collecting the metrics failed');
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Collecting the metrics failed; see the log.\n');
      },
    );
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new ListenError(listenFailure(error, port), { cause: error })));
    server.listen(port, () => resolve((server.address() as AddressInfo).port));
  });
  options.logger.info({ metricsPort: bound }, 'metrics listening');
  return {
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper keeps its connection alive between scrapes: nothing is in flight worth waiting for.
        server.closeAllConnections();
      }),
  };
}
