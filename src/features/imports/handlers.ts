import type { Handler } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import type { Upload } from '../../http/upload.ts';
import { enricherFor } from './enrich.ts';
import { runImport, type ImportStages } from './pipeline.ts';
import { importCursor, type ImportAccount, type ImportRecord } from './queries.ts';
import { rowMapper } from './rows.ts';
import { openAccountStatement, type AccountStatement } from './statement.ts';
import { insertingWriter, previewWriter, type ImportWriter } from './writers.ts';

/** Drops the optional fields an import does not have. */
function presentImport(record: ImportRecord) {
  const { mapping, date_format: dateFormat, ...rest } = record;
  return { ...rest, ...(mapping ? { mapping } : {}), ...(dateFormat ? { date_format: dateFormat } : {}) };
}

type ImportRequest = Parameters<Handler<'createImport'>>[0];

/** The account imported into, the file received, and the file opened as its statement. */
type ImportTarget = { account: ImportAccount; upload: Upload; statement: AccountStatement };

/** What the import found out about the file, reported in its answer. */
function fileFacts(statement: AccountStatement) {
  const { format, dateFormat } = statement.info;
  return { format, ...(statement.mapping ? { mapping: statement.mapping } : {}), ...(dateFormat ? { date_format: dateFormat } : {}) };
}

/** The stages of an import, dry run or real: one enrich stage for both, the writer is what differs. */
function importStages({ q, userId, body }: ImportRequest, accountId: string, importId: string | null, writer: ImportWriter): ImportStages {
  return { map: rowMapper(accountId, importId), enrich: enricherFor(q.enrichment, userId), writer, abortOnError: (body.on_error ?? 'abort') === 'abort' };
}

/** A dry run: the same stages with the preview writer; nothing is written or recorded. */
async function previewImport(request: ImportRequest, { account, upload, statement }: ImportTarget) {
  const { q, body } = request;
  const writer = previewWriter((externalIds, fingerprints) => q.imports.recordedKeys(account.id, externalIds, fingerprints));
  const { rowsTotal, ...counts } = await runImport(statement.items, importStages(request, account.id, null, writer));
  return {
    status: 200 as const,
    body: {
      id: null,
      account_id: account.id,
      status: 'preview' as const,
      file_name: upload.fileName,
      rows_total: rowsTotal,
      ...counts,
      ...fileFacts(statement),
      preview: writer.preview(),
      created_at: new Date().toISOString(),
    },
  };
}

/** A real import: an import record, the rows inserted chunk by chunk, the record completed with the counts. */
async function recordImport(request: ImportRequest, { account, upload, statement }: ImportTarget) {
  const { q } = request;
  const importId = await q.imports.insert({ accountId: account.id, format: statement.info.format, fileName: upload.fileName });
  const writer = insertingWriter((rows) => q.imports.recordRows({ accountId: account.id, importId }, rows));
  const counts = await runImport(statement.items, importStages(request, account.id, importId, writer));
  const record = await q.imports.complete(importId, { ...counts, mapping: statement.mapping, dateFormat: statement.info.dateFormat ?? null });
  return { status: 201 as const, body: presentImport(record), headers: { Location: `/v1/imports/${record.id}` } };
}

export const createImport: Handler<'createImport'> = async (request) => {
  const { q, path, body, upload } = request;
  if (!upload) {
    throw problems.validation([{ pointer: '#/file', in: 'body', message: 'is required: send the statement as the part named file' }]);
  }
  const account = await q.imports.findAccount(path.id);
  if (!account) throw problems.notFound('No account with this id.');
  if (upload.size === 0) throw problems.unprocessable('The file is empty.', [{ in: 'file', message: 'is empty' }]);
  const target = { account, upload, statement: await openAccountStatement(upload, account, body) };
  return body.dry_run === true ? previewImport(request, target) : recordImport(request, target);
};

export const listImports: Handler<'listImports'> = async ({ q, query }) => {
  const limit = query.limit ?? 50;
  const rows = await q.imports.list({ limit, after: decodeCursor(query.cursor, importCursor), accountId: query.account_id });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], presentImport) };
};

export const getImport: Handler<'getImport'> = async ({ q, path }) => {
  const record = await q.imports.find(path.id);
  if (!record) throw problems.notFound('No import with this id.');
  return { status: 200, body: presentImport(record) };
};
