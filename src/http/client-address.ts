import type { Request } from 'express';

/** The caller's address: express's (TRUST_PROXY decides how many proxies it looks past), else the socket's. */
export function clientAddressOf(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
