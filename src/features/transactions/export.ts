// GET /v1/transactions/export: every matching transaction, streamed as CSV or JSON.
import type { Handler, StreamReply } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import { currencyExponents } from '../../money/currencies.ts';
import { formatMinorUnits } from '../../money/format.ts';
import { csvLine, exportColumns, neutralizeFormula } from './csv-export.ts';
import type { ExportFilters, ExportRow, TransactionExportQueries } from './export-queries.ts';

const exportPageSize = 1000;

/** Writes and waits when the socket is full, so a slow client slows the export instead of filling memory. */
async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

async function* exportRows(queries: TransactionExportQueries, filters: ExportFilters): AsyncGenerator<ExportRow> {
  let after: [string, string] | undefined;
  for (;;) {
    const rows = await queries.page(filters, after, exportPageSize);
    yield* rows;
    const last = rows.at(-1);
    if (!last || rows.length < exportPageSize) return;
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

async function streamCsv(out: NodeJS.WritableStream, rows: AsyncIterable<ExportRow>): Promise<void> {
  await write(out, csvLine([...exportColumns]));
  for await (const row of rows) await write(out, csvRecord(row));
}

/** A JSON array of transactions as the API shows them (the category's name is CSV-only). */
async function streamJson(out: NodeJS.WritableStream, rows: AsyncIterable<ExportRow>): Promise<void> {
  let first = true;
  await write(out, '[');
  for await (const { category: _category, ...transaction } of rows) {
    await write(out, `${first ? '' : ','}${JSON.stringify(transaction)}`);
    first = false;
  }
  await write(out, ']');
}

export const exportTransactions: Handler<'exportTransactions'> = async ({ q, query }): Promise<StreamReply> => {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) throw problems.reversedRange('to', 'from');
  const filters = { from: query.from, to: query.to, accountId: query.account_id };
  const csv = (query.format ?? 'csv') === 'csv';
  return {
    status: 200,
    headers: {
      'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="transactions.${csv ? 'csv' : 'json'}"`,
    },
    stream: (out) => (csv ? streamCsv : streamJson)(out, exportRows(q.transactionExport, filters)),
  };
};
