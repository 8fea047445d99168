import { randomUUID } from 'node:crypto';
import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { HttpTimeouts } from './config.ts';
import type { ProblemBody } from './http/problems.ts';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;
type RawProblem = { status: number; type: string; title: string; detail: string };

/** Could not listen: the message says what to do. */
export class ListenError extends Error {}

export type HttpServer = {
  server: Server;
  /** Stops accepting, answers what is in flight with `Connection: close`, resolves when the last connection is gone. */
  drain: (graceMs: number) => Promise<void>;
};

/** A Problem without `instance`: when Node's parser rejects a request, it may not have read the path. */
function problemJson(problem: RawProblem, requestId: string): string {
  const body: ProblemBody = { type: `/problems/${problem.type}`, title: problem.title, status: problem.status, detail: problem.detail, request_id: requestId };
  return JSON.stringify(body);
}

/** The whole HTTP/1.1 answer, written straight to the socket: express never saw the request. */
function rawProblemAnswer(problem: RawProblem, requestId: string): string {
  const json = problemJson(problem, requestId);
  return [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

function problemForClientError(error: NodeJS.ErrnoException & { reason?: string }, timeouts: HttpTimeouts): RawProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, type: 'request-header-fields-too-large', title: 'Request header fields too large', detail: `The request line and headers exceed ${maxHeaderSize / 1024} KiB.` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, type: 'request-timeout', title: 'Request timeout', detail: `The request was not received in full within ${timeouts.requestMs / 1000} s (its headers within ${timeouts.headersMs / 1000} s).` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, type: 'payload-too-large', title: 'Payload too large', detail: 'The chunk extensions are too large.' };
    default:
      // llhttp's reasons are fixed texts ("Invalid character in Content-Length"), never request bytes.
      return { status: 400, type: 'bad-request', title: 'Bad request', detail: `The request is not valid HTTP/1.1: ${error.reason ?? error.message}.` };
  }
}

const missingHost: RawProblem = { status: 400, type: 'bad-request', title: 'Bad request', detail: 'An HTTP/1.1 request must carry a Host header.' };

/**
 * Answers what Node's parser rejected (malformed, oversized headers, a stalled body) as
 * problem+json, like every other error, unless an answer on that connection has begun.
 */
function onClientError(timeouts: HttpTimeouts, logger: Logger, inFlight: Set<ServerResponse>) {
  return (error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
    const answering = [...inFlight].some((response) => response.socket === socket && response.headersSent);
    if (error.code === 'ECONNRESET' || !socket.writable || answering) {
      socket.destroy();
      return;
    }
    const problem = problemForClientError(error, timeouts);
    const requestId = randomUUID();
    // The code only: the error's rawPacket holds the request's bytes, credentials included.
    logger.warn({ reqId: requestId, code: error.code, res: { statusCode: problem.status } }, 'request rejected by the HTTP parser');
    socket.end(rawProblemAnswer(problem, requestId));
    // Time for the client to read the answer; a reset before that could discard it.
    setTimeout(() => socket.destroy(), 1_000).unref();
  };
}

function answerMissingHost(response: ServerResponse, logger: Logger): void {
  const requestId = randomUUID();
  logger.warn({ reqId: requestId, res: { statusCode: 400 } }, 'HTTP/1.1 request without Host');
  const json = problemJson(missingHost, requestId);
  response
    .writeHead(400, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(json), 'X-Request-Id': requestId, Connection: 'close' })
    .end(json);
}

/**
 * Node's HTTP server around the app, with the timeouts for slow clients, Node's own errors as
 * problem+json, and a drain that does not wait for busy keep-alive connections to go idle.
 */
export function createHttpServer(app: RequestListener, timeouts: HttpTimeouts, logger: Logger): HttpServer {
  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // How often the two timeouts above are checked: Node's 30 s would let a 10 s limit run to 40.
    connectionsCheckingInterval: 1_000,
    // Answered as problem+json below rather than with Node's bare 400.
    requireHostHeader: false,
  });
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // An answer that began before the drain left its connection open for reuse: close it now.
      if (draining) server.closeIdleConnections();
    });
    if (draining) response.setHeader('Connection', 'close');
    if (request.httpVersion === '1.1' && request.headers.host === undefined) {
      answerMissingHost(response, logger);
      return;
    }
    app(request, response);
  });
  server.on('clientError', onClientError(timeouts, logger, inFlight));

  const drain = async (graceMs: number) => {
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    await closed;
    clearTimeout(timer);
  };
  return { server, drain };
}

function listenFailure(error: NodeJS.ErrnoException, port: number): string {
  if (error.code === 'EADDRINUSE') {
    return `Port ${port} is already in use: another SpendSense, or another program, listens on it. Stop that, or choose another PORT.`;
  }
  if (error.code === 'EACCES') return `Not allowed to listen on port ${port} (ports below 1024 need privileges): choose another PORT.`;
  return `Could not listen on port ${port}.`;
}

/** Listens on `port` (0: any free one); resolves with the port, rejects with a ListenError. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(new ListenError(listenFailure(error, port), { cause: error }));
    server.once('error', failed);
    server.listen(port, () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Fails fast when the port is taken, before the database starts (seconds, and an initdb, earlier
 * than listen() would). listen() still reports the loser of a race for the port.
 */
export async function assertPortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createTcpServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(new ListenError(listenFailure(error, port), { cause: error })));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
