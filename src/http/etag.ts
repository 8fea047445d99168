import { createHash } from 'node:crypto';
import { problems } from './problems.ts';

/** A strong ETag over the resource's JSON representation: it changes whenever any field does. */
export function etagOf(representation: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(representation)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

/**
 * Enforces `If-Match` (RFC 9110 §13.1.1, strong comparison) against the current representation.
 * No header means an unconditional change.
 */
export function assertIfMatch(ifMatch: string | string[] | undefined, current: unknown): void {
  if (ifMatch === undefined) return;
  const header = Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch;
  if (header.trim() === '*') return;
  const wanted = header.split(',').map((tag) => tag.trim());
  if (!wanted.includes(etagOf(current))) {
    throw problems.preconditionFailed('The resource has changed since the ETag you sent; fetch it again and retry.');
  }
}
