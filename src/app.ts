import express, { type NextFunction, type Request, type Response } from 'express';
import type { Context, Document } from 'openapi-backend';
import type { Logger } from 'pino';
import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Config } from './config.ts';
import { problemFromDatabaseError } from './db/errors.ts';
import { readAsUser, writeAsUser, writeOnceAsUser } from './db/user-scope.ts';
import { createContractBackend, loadContract, precompileRouting } from './http/contract.ts';
import { docsRouter } from './http/docs.ts';
import { handlers, publicOperations, singleStatementChanges } from './http/handlers.ts';
import { requestLog } from './http/request-log.ts';
import { securityHeaders } from './http/security-headers.ts';
import { bearerToken, verifyAccessToken } from './http/auth.ts';
import { findApiKeyUser, isApiKey } from './features/api-keys/queries.ts';
import type { OperationContext, OperationId, StreamReply } from './http/operation.ts';
import { deferProblem, deferredProblem, receiveUpload, uploadOf } from './http/upload.ts';
import { Problem, problems } from './http/problem.ts';
import { fieldErrors } from './http/validation-errors.ts';

/**
 * `userPool` serves authenticated operations only: its sessions name their current user (see
 * db/user-scope.ts). `pool` serves public operations and never names anyone, so a connection
 * that names someone is never handed to code that does not name the caller itself.
 */
export type AppServices = { config: Config; pool: DatabasePool; userPool: DatabasePool; logger: Logger };

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function sendProblem(request: Request, response: Response, problem: Problem): void {
  response
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .send(JSON.stringify(problem.body(request.originalUrl.split('?')[0] ?? '/', request.id)));
}

export async function createApp({ config, pool, userPool, logger }: AppServices): Promise<express.Express> {
  const definition = loadContract();
  const api = createContractBackend(definition);

  api.registerSecurityHandler('bearerAuth', async (context: Context) => {
    const header = context.request.headers.authorization;
    const token = bearerToken(Array.isArray(header) ? header[0] : header);
    if (!token) return undefined;
    return isApiKey(token) ? findApiKeyUser(pool, token) : verifyAccessToken(token, config);
  });

  api.register({
    notFound: () => {
      throw problems.notFound('No such endpoint.');
    },
    methodNotAllowed: (context: Context) => {
      const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) =>
        api.router.matchOperation({ ...context.request, method }),
      );
      throw problems.methodNotAllowed(allowed);
    },
    // Body problems found before routing (media type, upload) answer only once the caller is known.
    postSecurityHandler: (context: Context, request: Request) => {
      const problem = deferredProblem(request);
      const needsAuth = (context.operation.security ?? []).length > 0;
      if (problem && (context.security.authorized || !needsAuth)) throw problem;
    },
    unauthorizedHandler: () => {
      throw problems.unauthorized();
    },
    validationFail: (context: Context) => {
      throw problems.validation(fieldErrors(context.validation.errors ?? []));
    },
  });

  const isPublic = new Set<string>(publicOperations);
  for (const [operationId, handler] of Object.entries(handlers) as [OperationId, (c: never) => Promise<unknown>][]) {
    api.register(operationId, async (context: Context, request: Request, response: Response) => {
      const base: OperationContext<OperationId> = {
        operationId,
        path: context.request.params as never,
        query: context.request.query as never,
        headers: request.headers,
        body: context.request.requestBody as never,
        requestId: request.id,
        clientIp: request.ip ?? request.socket.remoteAddress ?? 'unknown',
        log: request.log,
        config,
        pool,
        upload: uploadOf(request),
      };
      const userId = context.security?.bearerAuth as string | undefined;
      const run = async (db: CommonQueryMethods) => {
        const answer = (await handler({ ...base, userId, db } as never)) as Partial<StreamReply>;
        if (answer.stream) {
          // Streamed answers are written while the connection is still held.
          response.status(200).set(answer.headers ?? {});
          await answer.stream(response);
          response.end();
        }
        return answer;
      };
      const reply = (
        isPublic.has(operationId)
          ? await handler(base as never)
          : request.method === 'GET'
            ? await readAsUser(userPool, userId!, run)
            : singleStatementChanges[operationId]?.(request.headers)
              ? await writeOnceAsUser(userPool, userId!, run)
              : await writeAsUser(userPool, userId!, run)
      ) as { status: number; body?: unknown; headers?: Record<string, string>; stream?: unknown };
      if (reply.stream) return;

      if (config.validateResponses) {
        // openapi-backend reads an absent body (204) as null.
        const result = api.validateResponse(reply.body ?? null, context.operation, reply.status);
        if (result.errors?.length) {
          request.log.error({ operationId, status: reply.status, errors: result.errors }, 'response violates the contract');
          throw problems.internal(new Error(`${operationId} ${reply.status} response violates the contract`));
        }
      }
      response.status(reply.status).set(reply.headers ?? {});
      if (reply.body === undefined) response.end();
      else response.type('application/json').send(JSON.stringify(reply.body));
    });
  }
  await api.init();
  precompileRouting(api);
  assertPublicOperations(definition, isPublic);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  app.use(requestLog(logger));
  // The docs pages bring their own scripts; API answers are JSON and need no CSP.
  app.use(securityHeaders({ contentSecurityPolicy: false }));
  app.use(docsRouter(definition));

  // A body must be of a media type the operation declares; multipart uploads stream to disk.
  app.use((request, response, next) => {
    if (!hasBody(request)) {
      next();
      return;
    }
    const operation = api.router.matchOperation({ method: request.method, path: request.path, headers: {} }) as
      | { requestBody?: { content?: Record<string, unknown> } }
      | undefined;
    const accepted = Object.keys(operation?.requestBody?.content ?? { 'application/json': {} });
    if (!request.is(accepted.length ? accepted : ['application/json'])) {
      deferProblem(request, new Problem({ status: 415, type: 'unsupported-media-type', title: 'Unsupported media type', detail: `Send the body as ${accepted.join(' or ') || 'application/json'}.` }));
      request.resume();
      next();
      return;
    }
    if (request.is('multipart/form-data')) {
      receiveUpload(request, response, next);
      return;
    }
    next();
  });
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use((request, response, next) => {
    api
      .handleRequest(
        {
          method: request.method,
          path: request.path,
          query: request.query as Record<string, string | string[]>,
          headers: request.headers as Record<string, string | string[]>,
          body: request.body,
        },
        request,
        response,
      )
      .catch(next);
  });

  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    sendProblem(request, response, toProblem(error, request));
  });
  return app;
}

/** Any error as the problem it answers with; unknown errors are logged and become a bare 500. */
function toProblem(error: unknown, request: Request): Problem {
  if (error instanceof Problem) {
    if (error.status >= 500) request.log.error({ err: error.cause ?? error }, error.message);
    return error;
  }
  const bodyParserError = error as { type?: string; status?: number };
  if (bodyParserError.type === 'entity.parse.failed') {
    return problems.validation([{ pointer: '#', in: 'body', message: 'is not valid JSON' }], 'The request body is not valid JSON.');
  }
  if (bodyParserError.type === 'entity.too.large') {
    return new Problem({ status: 413, type: 'payload-too-large', title: 'Payload too large', detail: 'The request body exceeds 1 MiB.' });
  }
  if (bodyParserError.type === 'charset.unsupported' || bodyParserError.type === 'encoding.unsupported') {
    return new Problem({ status: 415, type: 'unsupported-media-type', title: 'Unsupported media type', detail: 'Send the body as UTF-8 JSON.' });
  }
  const fromDatabase = problemFromDatabaseError(error);
  if (fromDatabase) {
    if (fromDatabase.status >= 500) request.log.error({ err: error }, 'database unavailable');
    return fromDatabase;
  }
  request.log.error({ err: error }, 'unhandled error');
  return problems.internal(error);
}

/** The handler map's idea of which operations are public must be the spec's (`security: []`). */
function assertPublicOperations(definition: Document, isPublic: Set<string>): void {
  const fromSpec = new Set<string>();
  for (const pathItem of Object.values(definition.paths ?? {})) {
    for (const operation of Object.values(pathItem ?? {})) {
      if (operation && typeof operation === 'object' && 'operationId' in operation && Array.isArray(operation.security) && operation.security.length === 0) {
        fromSpec.add(String(operation.operationId));
      }
    }
  }
  const mismatch = [...fromSpec].filter((id) => !isPublic.has(id)).concat([...isPublic].filter((id) => !fromSpec.has(id)));
  if (mismatch.length) throw new Error(`public operations disagree with the spec: ${mismatch.join(', ')}`);
}
