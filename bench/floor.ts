// The floor: node:http + pg, no framework, no validation, no auth (the user id comes in the
// X-User-Id header), connected as the owner (no row-level security, no per-request transaction).
// It runs the API's SQL for the transaction list and create, and the naive spending report
// straight over the transactions table. Usage: PORT=… DATABASE_URL=… node bench/floor.ts
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { createSql, listFirstPageSql, naiveSpendingSql } from './sql.ts';

// The API's type parsing (src/db/pool.ts): int8 and numeric as numbers, dates as text, timestamps as RFC 3339.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => new Date(value).toISOString());

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
function send(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://floor');
  const userId = request.headers['x-user-id'];
  if (url.pathname === '/healthz') return send(response, 200, { status: 'ok' });
  if (url.pathname === '/transactions' && request.method === 'GET') {
    const { rows } = await pool.query(listFirstPageSql, [userId]);
    const last = rows[49];
    const nextCursor = rows.length > 50 ? Buffer.from(JSON.stringify([last.date, last.id])).toString('base64url') : null;
    return send(response, 200, { data: rows.slice(0, 50), next_cursor: nextCursor });
  }
  if (url.pathname === '/transactions' && request.method === 'POST') {
    const b = await readJson(request);
    const { rows } = await pool.query(createSql, [userId, b.account_id, b.currency ?? 'USD', b.date, b.amount,
      b.description, b.merchant ?? null, b.category_id ?? null, b.category_id ? 'user' : null]);
    return send(response, 201, rows[0]);
  }
  if (url.pathname === '/reports/spending' && request.method === 'GET') {
    const { rows } = await pool.query(naiveSpendingSql, [userId, url.searchParams.get('from'), url.searchParams.get('to')]);
    return send(response, 200, { data: rows });
  }
  send(response, 404, { title: 'Not found' });
}

if (process.argv[1] === import.meta.filename) {
  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => send(response, 500, { title: String(error) }));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 8100), '127.0.0.1');
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
