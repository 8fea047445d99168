import type { NextFunction, Request, Response } from 'express';
import { problemFromDatabaseError } from '../db/errors.ts';
import { maxJsonBodyBytes } from '../limits.ts';
import { Problem, problems } from './problems.ts';

/** Any error as the problem it answers with; unknown errors are logged and become a bare 500. */
export function toProblem(error: unknown, request: Request): Problem {
  if (error instanceof Problem) {
    if (error.status >= 500) request.log.error({ err: error.cause ?? error }, error.message);
    return error;
  }
  const bodyParserError = error as { type?: string };
  if (bodyParserError.type === 'entity.parse.failed') {
    return problems.validation([{ pointer: '#', in: 'body', message: 'is not valid JSON' }], 'The request body is not valid JSON.');
  }
  if (bodyParserError.type === 'entity.too.large') return problems.payloadTooLarge('The request body', maxJsonBodyBytes);
  if (bodyParserError.type === 'charset.unsupported' || bodyParserError.type === 'encoding.unsupported') {
    return problems.unsupportedMediaType('Send the body as UTF-8 JSON.');
  }
  const fromDatabase = problemFromDatabaseError(error);
  if (fromDatabase) {
    if (fromDatabase.status >= 500) request.log.error({ err: error }, 'database unavailable');
    return fromDatabase;
  }
  request.log.error({ err: error }, 'unhandled error');
  return problems.internal(error);
}

export function sendProblem(request: Request, response: Response, problem: Problem): void {
  response
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .send(JSON.stringify(problem.body(request.originalUrl.split('?')[0] ?? '/', request.id)));
}

/** The one error middleware: everything thrown anywhere answers as problem+json. */
export function answerErrors(error: unknown, request: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) {
    next(error);
    return;
  }
  sendProblem(request, response, toProblem(error, request));
}
