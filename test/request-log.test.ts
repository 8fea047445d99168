import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { requestLog } from '../src/http/request-log.ts';

/** An app that logs into an array at `level`, with routes answering 200, 404 and 500. */
function loggedApp(level: string) {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = express();
  app.use(requestLog(logger));
  app.get('/ok', (req, res) => {
    req.log.info({ step: 'handler' }, 'inside');
    res.json({ ok: true });
  });
  app.get('/boom', (_req, res) => {
    res.status(500).end();
  });
  return { app, lines };
}

describe('request log', () => {
  it('writes one access line per request, bound to the request id, without headers or query', async () => {
    const { app, lines } = loggedApp('info');
    const response = await request(app).get('/ok?token=secret').set('Authorization', 'Bearer secret').set('X-Request-Id', 'abc-1');
    expect(response.headers['x-request-id']).toBe('abc-1');
    const handlerLine = lines.find((line) => line.msg === 'inside');
    expect(handlerLine).toMatchObject({ reqId: 'abc-1', step: 'handler' });
    const access = lines.find((line) => line.msg === 'request completed');
    expect(access).toMatchObject({ level: 30, reqId: 'abc-1', req: { method: 'GET', path: '/ok' }, res: { statusCode: 200 } });
    expect(typeof access!.responseTime).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('logs 4xx at warn and 5xx at error', async () => {
    const { app, lines } = loggedApp('info');
    await request(app).get('/missing');
    await request(app).get('/boom');
    expect(lines.map((line) => [line.res?.statusCode, line.level])).toEqual([[404, 40], [500, 50]]);
  });

  it('makes a fresh id when the caller sends none or an unsafe one, and writes nothing below the level', async () => {
    const { app, lines } = loggedApp('warn');
    const fresh = await request(app).get('/ok');
    const unsafe = await request(app).get('/ok').set('X-Request-Id', 'bad id\twith spaces');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toEqual([]);
  });
});
