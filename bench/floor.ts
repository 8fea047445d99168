// The floor: node:http + pg, no framework, no validation, no auth (the user id comes in the
// X-User-Id header), connected as the owner (no row-level security, no per-request transaction).
// It runs the API's SQL for the transaction list and create (built by the API's query modules, a
// few microseconds per request), and the naive spending report straight over the transactions
// table. Usage: PORT=… DATABASE_URL=… node bench/floor.ts
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import type { NewTransaction } from '../src/features/transactions/queries.ts';
import { defaultPageLimit } from '../src/limits.ts';
import { createOne, listFirstPage, naiveSpending, type PgStatement } from './sql.ts';

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

function run(statement: PgStatement) {
  return pool.query(statement.text, statement.values);
}

/** A create request's body as the API's insert takes it (the API's handler also trims its texts). */
function newRow(body: Record<string, unknown>): NewTransaction {
  const categoryId = (body.category_id as string | undefined) ?? null;
  return {
    id: randomUUID(),
    accountId: body.account_id as string,
    date: body.date as string,
    amount: body.amount as number,
    description: body.description as string,
    merchant: (body.merchant as string | undefined) ?? null,
    categoryId,
    categorizedBy: categoryId ? 'user' : null,
    notes: null,
    tags: [],
    externalId: null,
    status: 'posted',
    transferId: null,
  };
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://floor');
  const userId = String(request.headers['x-user-id']);
  if (url.pathname === '/healthz') return send(response, 200, { status: 'ok' });
  if (url.pathname === '/transactions' && request.method === 'GET') {
    const { rows } = await run(listFirstPage(userId));
    const last = rows[defaultPageLimit - 1];
    const nextCursor = rows.length > defaultPageLimit ? Buffer.from(JSON.stringify([last.date, last.id])).toString('base64url') : null;
    return send(response, 200, { data: rows.slice(0, defaultPageLimit), next_cursor: nextCursor });
  }
  if (url.pathname === '/transactions' && request.method === 'POST') {
    const { rows } = await run(createOne(userId, newRow(await readJson(request))));
    return send(response, 201, rows[0]);
  }
  if (url.pathname === '/reports/spending' && request.method === 'GET') {
    const { rows } = await run(naiveSpending(userId, { from: String(url.searchParams.get('from')), to: String(url.searchParams.get('to')) }));
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
