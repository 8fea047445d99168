import express, { type Request, type Response } from 'express';
import type { Context, OpenAPIBackend } from 'openapi-backend';
import { callerOf } from './features/auth/caller.ts';
import { bodyParsers } from './http/body.ts';
import { compressAnswers } from './http/compression.ts';
import { createContractBackend, loadContract, operationFacts, precompileRouting } from './http/contract.ts';
import { corsPolicy } from './http/cors.ts';
import { dispatch } from './http/dispatch.ts';
import { docsRouter } from './http/docs.ts';
import { answerErrors } from './http/error-answer.ts';
import type { OperationEntry, OperationId } from './http/operation.ts';
import { problems } from './http/problems.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { rateLimitGuard } from './http/rate-limit-guard.ts';
import { rateLimitStore } from './http/rate-limit-store.ts';
import { requestLog } from './http/request-log.ts';
import { securityHeaders } from './http/security-headers.ts';
import { deferredProblem } from './http/deferred-problem.ts';
import { fieldErrors } from './http/validation-errors.ts';
import { requestMetrics } from './observability/request-metrics.ts';
import { operations } from './operations.ts';
import type { AppServices } from './services.ts';

export type { AppServices } from './services.ts';

/** What openapi-backend does around the handlers: security, and the answers for requests that never reach one. */
function registerContractHandlers(api: OpenAPIBackend, { pool, config }: AppServices): void {
  const limitRate = config.rateLimits && rateLimitGuard(new RateLimiter(rateLimitStore(pool)), config.rateLimits);
  api.registerSecurityHandler('bearerAuth', (context: Context) => callerOf(context.request.headers.authorization, pool, config));
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
    // Body problems found before routing (media type, upload) answer only once the caller is known,
    // and after the caller's rate limits: a spent budget answers 429 whatever the body.
    postSecurityHandler: async (context: Context, request: Request, response: Response) => {
      await limitRate?.(context, request, response);
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
}

export async function createApp(services: AppServices): Promise<express.Express> {
  const definition = loadContract();
  const api = createContractBackend(definition);
  registerContractHandlers(api, services);
  const handlerFor = dispatch(api, services, operationFacts(definition));
  for (const [operationId, entry] of Object.entries(operations) as [OperationId, OperationEntry<OperationId>][]) {
    api.register(operationId, handlerFor(operationId, entry));
  }
  await api.init();
  precompileRouting(api);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', services.config.trustProxy);
  app.set('etag', false);
  app.use(requestLog(services.logger));
  if (services.config.metricsPort !== null) app.use(requestMetrics(api));
  app.use(corsPolicy(services.config.corsOrigins));
  app.use(compressAnswers());
  // The docs pages bring their own scripts; API answers are JSON and need no CSP.
  app.use(securityHeaders({ contentSecurityPolicy: false }));
  app.use(docsRouter());
  // Personal finance, tokens and API-key secrets: no cache, shared or private, keeps an answer.
  app.use('/v1', (_request, response, next) => {
    response.set('Cache-Control', 'no-store');
    next();
  });
  app.use(bodyParsers(api));
  app.use((request, response, next) => {
    const { method, path, query, headers, body } = request;
    api.handleRequest({ method, path, query: query as never, headers: headers as never, body }, request, response).catch(next);
  });
  app.use(answerErrors);
  return app;
}
