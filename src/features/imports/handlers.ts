import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { CommonQueryMethods } from 'slonik';
import type { Handler, StreamReply } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { problems } from '../../http/problems.ts';
import { currencyExponents } from '../../money/currencies.ts';
import { formatMinorUnits } from '../../money/format.ts';
import { insertTransactionsCounting, type NewTransaction } from '../transactions/queries.ts';
import { csvLine, exportColumns, exportMapping, neutralizeFormula } from './csv-export.ts';
import { fingerprinter } from './fingerprint.ts';
import { openStatement, StatementError } from './formats/index.ts';
import type { CsvMapping, StatementRow } from './formats/types.ts';
import {
  completeImport,
  exportPage,
  findImport,
  findImportAccount,
  importCursor,
  insertImport,
  listImports as selectImports,
  recordedKeys,
  type ExportRow,
} from './queries.ts';

const chunkSize = 5000;
const maxReportedErrors = 100;
const previewSize = 20;

/** Our own export read back: its header is recognised and mapped without help. */
async function ownExportMapping(path: string): Promise<CsvMapping | undefined> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(512), 0, 512, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    return firstLine === exportColumns.join(',') ? { ...exportMapping } : undefined;
  } finally {
    await file.close();
  }
}

function truncate(text: string | null, length: number): string | null {
  return text === null ? null : text.length > length ? text.slice(0, length) : text;
}

function fileProblem(error: StatementError) {
  return problems.unprocessable(
    error.row ? `The file cannot be read at row ${error.row}: ${error.message}` : `The file cannot be read: ${error.message}`,
    [{ in: 'file', message: error.message, ...(error.row ? { row: error.row } : {}) }],
  );
}

export const createImport: Handler<'createImport'> = async ({ db, userId, path, body, upload }) => {
  if (!upload) {
    throw problems.validation([{ pointer: '#/file', in: 'body', message: 'is required: send the statement as the part named file' }]);
  }
  const account = await findImportAccount(db, userId, path.id);
  if (!account) throw problems.notFound('No account with this id.');
  if (upload.size === 0) throw problems.unprocessable('The file is empty.', [{ in: 'file', message: 'is empty' }]);

  const options = {
    exponent: currencyExponents[account.currency],
    accountCurrency: account.currency,
    ...(body.format ? { format: body.format } : {}),
    ...(body.date_format ? { dateFormat: body.date_format } : {}),
  };
  const ownExport = body.mapping === undefined ? await ownExportMapping(upload.path) : undefined;
  const mapping = body.mapping ?? ownExport;
  let statement: Awaited<ReturnType<typeof openStatement>>;
  try {
    statement = await openStatement(upload.path, { ...options, ...(mapping ? { mapping } : {}), keepLineBreaks: ownExport !== undefined });
  } catch (error) {
    if (error instanceof StatementError) throw fileProblem(error);
    throw error;
  }
  const { info } = statement;
  if (info.currency && info.currency !== account.currency) {
    throw problems.unprocessable(`The statement is in ${info.currency} but the account is in ${account.currency}.`, [
      { in: 'file', message: `states currency ${info.currency}, not the account's ${account.currency}` },
    ]);
  }

  const dryRun = body.dry_run === true;
  const abortOnError = (body.on_error ?? 'abort') === 'abort';
  const importId = dryRun ? null : await insertImport(db, userId, { accountId: account.id, format: info.format, fileName: upload.fileName });
  const fingerprintOf = fingerprinter(account.id);
  const outcome = { rowsTotal: 0, created: 0, duplicates: 0, failed: 0, errors: [] as { row: number; message: string }[] };
  const preview: { row: number; transaction: NewTransaction; duplicate: boolean }[] = [];
  const seenExternalIds = new Set<string>();
  let chunk: { row: number; transaction: NewTransaction }[] = [];

  const toTransaction = (row: StatementRow): NewTransaction => ({
    id: randomUUID(),
    accountId: account.id,
    date: row.date,
    amount: row.amount,
    description: truncate(row.description.trim(), 500) || '(no description)',
    merchant: truncate(row.payee?.trim() || null, 200),
    categoryId: null,
    categorizedBy: null,
    notes: truncate(row.memo?.trim() || null, 2000),
    tags: [],
    externalId: truncate(row.externalId?.trim() || null, 200),
    status: 'posted',
    transferId: null,
    importId,
    importFingerprint: row.externalId ? null : fingerprintOf(row),
  });

  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (chunk.length === 0) return;
    const rows = chunk.map((entry) => entry.transaction);
    if (dryRun) {
      const recorded = await recordedKeys(
        db,
        account.id,
        rows.flatMap((row) => (row.externalId ? [row.externalId] : [])),
        rows.flatMap((row) => (row.importFingerprint ? [row.importFingerprint] : [])),
      );
      for (const entry of chunk) {
        const { externalId, importFingerprint } = entry.transaction;
        const duplicate = externalId
          ? recorded.externalIds.has(externalId) || seenExternalIds.has(externalId)
          : recorded.fingerprints.has(importFingerprint ?? '');
        if (externalId) seenExternalIds.add(externalId);
        if (duplicate) outcome.duplicates += 1;
        else outcome.created += 1;
        if (preview.length < previewSize) preview.push({ ...entry, duplicate });
      }
    } else {
      // The database inserts one chunk while the next is parsed: wait only for the previous one.
      await writing;
      writing = insertTransactionsCounting(db, userId, rows, { onDuplicate: 'skip' }).then((inserted) => {
        outcome.created += inserted;
        outcome.duplicates += rows.length - inserted;
      });
      writing.catch(() => undefined); // awaited at the next chunk or the end; not unhandled meanwhile
    }
    chunk = [];
  };

  try {
    for await (const item of statement.items) {
      outcome.rowsTotal += 1;
      if (item.kind === 'error') {
        outcome.failed += 1;
        if (outcome.errors.length < maxReportedErrors) outcome.errors.push(item.value);
        continue;
      }
      // After a bad row an aborting import only reads on, to report every bad row at once.
      if (abortOnError && outcome.failed > 0) continue;
      chunk.push({ row: item.value.row, transaction: toTransaction(item.value) });
      if (chunk.length >= chunkSize) await flush();
    }
  } catch (error) {
    // The connection must be idle before the transaction can roll back.
    await writing.catch(() => undefined);
    if (error instanceof StatementError) throw fileProblem(error);
    throw error;
  }
  if (abortOnError && outcome.failed > 0) {
    await writing.catch(() => undefined);
    // Throwing rolls back the transaction: rows already written go with it.
    throw problems.unprocessable(
      `${outcome.failed} row(s) cannot be imported, so nothing was. Fix them, or import with on_error=skip.`,
      outcome.errors.map((error) => ({ in: 'file' as const, row: error.row, message: error.message })),
    );
  }
  await flush();
  await writing;

  const mappingUsed = info.mapping ?? mapping;
  if (dryRun) {
    return {
      status: 200,
      body: {
        id: null,
        account_id: account.id,
        status: 'preview' as const,
        format: info.format,
        file_name: upload.fileName,
        rows_total: outcome.rowsTotal,
        created: outcome.created,
        duplicates: outcome.duplicates,
        failed: outcome.failed,
        errors: outcome.errors,
        ...(mappingUsed ? { mapping: mappingUsed } : {}),
        ...(info.dateFormat ? { date_format: info.dateFormat } : {}),
        preview: preview.map(({ row, transaction, duplicate }) => ({
            row,
            date: transaction.date,
            amount: transaction.amount,
            description: transaction.description,
            merchant: transaction.merchant,
            notes: transaction.notes,
            external_id: transaction.externalId,
            duplicate,
        })),
        created_at: new Date().toISOString(),
      },
    };
  }
  const record = await completeImport(db, userId, importId!, {
    ...outcome,
    mapping: mappingUsed,
    dateFormat: info.dateFormat ?? null,
  });
  return { status: 201, body: presentImport(record), headers: { Location: `/v1/imports/${record.id}` } };
};

/** Drops the optional fields an import does not have. */
function presentImport(record: Awaited<ReturnType<typeof completeImport>>) {
  const { mapping, date_format: dateFormat, ...rest } = record;
  return { ...rest, ...(mapping ? { mapping } : {}), ...(dateFormat ? { date_format: dateFormat } : {}) };
}

export const listImports: Handler<'listImports'> = async ({ db, userId, query }) => {
  const limit = query.limit ?? 50;
  const rows = await selectImports(db, userId, { limit, after: decodeCursor(query.cursor, importCursor), accountId: query.account_id });
  return { status: 200, body: page(rows, limit, (row) => [row.created_at, row.id], presentImport) };
};

export const getImport: Handler<'getImport'> = async ({ db, userId, path }) => {
  const record = await findImport(db, userId, path.id);
  if (!record) throw problems.notFound('No import with this id.');
  return { status: 200, body: presentImport(record) };
};

/** Writes and waits when the socket is full, so a slow client slows the export instead of filling memory. */
async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

async function* exportRows(db: CommonQueryMethods, userId: string, filters: Parameters<typeof exportPage>[2]) {
  let after: [string, string] | undefined;
  for (;;) {
    const rows = await exportPage(db, userId, filters, after, 1000);
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < 1000) return;
    after = [last.date, last.id];
  }
}

function csvRecord(row: ExportRow): string {
  const text = (value: string | null) => (value === null ? '' : neutralizeFormula(value));
  return csvLine([
    row.id, row.date, row.account_id, formatMinorUnits(row.amount, { exponent: currencyExponents[row.currency] }), String(row.amount),
    row.currency, text(row.description), text(row.merchant), row.category_id ?? '', text(row.category), text(row.notes),
    text(row.tags.join(';')), text(row.external_id), row.status, row.transfer_id ?? '',
  ]);
}

export const exportTransactions: Handler<'exportTransactions'> = async ({ db, userId, query }): Promise<StreamReply> => {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw problems.validation([{ parameter: 'to', in: 'query', message: 'is before from' }]);
  }
  const filters = { from: query.from, to: query.to, accountId: query.account_id };
  const csv = (query.format ?? 'csv') === 'csv';
  return {
    status: 200,
    headers: {
      'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="transactions.${csv ? 'csv' : 'json'}"`,
    },
    stream: async (out) => {
      if (csv) {
        await write(out, csvLine([...exportColumns]));
        for await (const row of exportRows(db, userId, filters)) await write(out, csvRecord(row));
        return;
      }
      let first = true;
      await write(out, '[');
      for await (const { category: _category, ...transaction } of exportRows(db, userId, filters)) {
        await write(out, `${first ? '' : ','}${JSON.stringify(transaction)}`);
        first = false;
      }
      await write(out, ']');
    },
  };
};
