import express, { type RequestHandler, type Request } from 'express';
import type { OpenAPIBackend } from 'openapi-backend';
import { maxJsonBodyBytes } from '../limits.ts';
import { problems } from './problems.ts';
import { noteInvalidUtf8, refuseFlawedText } from './text.ts';
import { deferProblem } from './deferred-problem.ts';
import { receiveUpload } from './upload.ts';

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A body must be of a media type the operation declares (problems are deferred until the caller
 * is known: see upload.ts); multipart uploads stream to disk; JSON is parsed up to its limit;
 * text PostgreSQL would refuse or that decoding altered is refused (text.ts).
 */
export function bodyParsers(api: OpenAPIBackend): RequestHandler[] {
  const mediaType: RequestHandler = (request, response, next) => {
    if (!hasBody(request)) {
      next();
      return;
    }
    const operation = api.router.matchOperation({ method: request.method, path: request.path, headers: {} }) as
      | { requestBody?: { content?: Record<string, unknown> } }
      | undefined;
    const accepted = Object.keys(operation?.requestBody?.content ?? { 'application/json': {} });
    if (!request.is(accepted.length ? accepted : ['application/json'])) {
      deferProblem(request, problems.unsupportedMediaType(`Send the body as ${accepted.join(' or ') || 'application/json'}.`));
      request.resume();
      next();
      return;
    }
    if (request.is('multipart/form-data')) {
      receiveUpload(request, response, next);
      return;
    }
    next();
  };
  const json = express.json({ limit: maxJsonBodyBytes, type: ['application/json', 'application/*+json'], verify: noteInvalidUtf8 });
  return [mediaType, json, refuseFlawedText];
}
