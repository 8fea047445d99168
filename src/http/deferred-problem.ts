import type { Request } from 'express';
import type { Problem } from './problems.ts';

const deferredProblems = new WeakMap<Request, Problem>();

/**
 * A problem with the request body, held back until the caller is authenticated: an
 * unauthenticated request answers 401 whatever its body, and bodies are not reported on to
 * strangers. The first problem found is the one answered.
 */
export function deferProblem(request: Request, problem: Problem): void {
  if (!deferredProblems.has(request)) deferredProblems.set(request, problem);
}

export function deferredProblem(request: Request): Problem | undefined {
  return deferredProblems.get(request);
}
