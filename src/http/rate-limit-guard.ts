import type { Request, Response } from 'express';
import type { Context } from 'openapi-backend';
import type { Caller } from './auth.ts';
import { clientAddressOf } from './client-address.ts';
import type { OperationId } from './operation.ts';
import { problems } from './problems.ts';
import type { RateLimitDecision, RateLimiter } from './rate-limit.ts';
import type { RateLimitPolicy, RateLimits } from './rate-limit-policies.ts';

/** Operations that read or write a whole history pay a second, lower budget on top. */
function extraPolicy(operationId: string, limits: RateLimits): RateLimitPolicy | undefined {
  const extra: Partial<Record<OperationId, RateLimitPolicy>> = { createImport: limits.imports, exportTransactions: limits.exports };
  return extra[operationId as OperationId];
}

/** What applies to this request: a known caller pays per user, anyone else per client address. */
function budgetsOf(context: Context, request: Request, limits: RateLimits): { subject: string; policies: RateLimitPolicy[] } {
  const caller = context.security?.authorized ? (context.security.bearerAuth as Caller | undefined) : undefined;
  if (!caller) return { subject: clientAddressOf(request), policies: [limits.perAddress] };
  const extra = extraPolicy(context.operation.operationId ?? '', limits);
  return { subject: caller.userId, policies: extra ? [limits.perUser, extra] : [limits.perUser] };
}

/** The IETF RateLimit-Policy and RateLimit fields, one list item per policy. */
function setHeaders(response: Response, decisions: RateLimitDecision[]): void {
  response.setHeader('RateLimit-Policy', decisions.map(({ policy }) => `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`).join(', '));
  response.setHeader('RateLimit', decisions.map(({ policy, remaining, resetSeconds }) => `"${policy.name}";r=${remaining};t=${resetSeconds}`).join(', '));
}

/**
 * Spends the request's budgets, before validation and before any handler: a spent budget answers
 * 429 and changes nothing. Probes and docs (outside /v1) are never limited. Should the store be
 * unreachable, the request goes on unlimited (and its own database work answers 503 if the
 * outage is real): an outage of the limiter must not become an outage of the API.
 */
export function rateLimitGuard(limiter: RateLimiter, limits: RateLimits) {
  return async (context: Context, request: Request, response: Response): Promise<void> => {
    if (!request.path.startsWith('/v1/')) return;
    const { subject, policies } = budgetsOf(context, request, limits);
    const decisions: RateLimitDecision[] = [];
    try {
      for (const policy of policies) {
        const decision = await limiter.take(policy, subject);
        decisions.push(decision);
        if (!decision.allowed) break;
      }
    } catch (error) {
      request.log.warn({ err: error }, 'rate limits unavailable; request let through unlimited');
      return;
    }
    setHeaders(response, decisions);
    const spent = decisions.find((decision) => !decision.allowed);
    if (spent) {
      const { policy, resetSeconds } = spent;
      throw problems.tooManyRequests(
        resetSeconds,
        `The "${policy.name}" limit of ${policy.quota} requests per ${policy.windowSeconds} seconds is spent; retry in ${resetSeconds} seconds.`,
      );
    }
  };
}
