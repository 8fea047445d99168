// The uploaded file as a statement of one account: opened as the form says, or refused with a 422.
import { open } from 'node:fs/promises';
import type { components } from '../../generated/api.ts';
import { problems } from '../../http/problems.ts';
import type { Upload } from '../../http/upload.ts';
import { currencyExponents } from '../../money/currencies.ts';
import { exportColumns, exportMapping } from '../transactions/csv-export.ts';
import { openStatement, StatementError, type OpenedStatement } from './formats/index.ts';
import type { CsvMapping, ParseOptions } from './formats/types.ts';
import type { ImportAccount } from './queries.ts';

type ImportForm = components['schemas']['ImportUpload'];

/** An opened statement, and the CSV mapping to report back (detected, or as the caller gave it). */
export type AccountStatement = OpenedStatement & { mapping: CsvMapping | undefined };

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

/** A file that cannot be read (at all, or from a row on) as the import's 422. */
export function fileProblem(error: StatementError) {
  return problems.unprocessable(
    error.row ? `The file cannot be read at row ${error.row}: ${error.message}` : `The file cannot be read: ${error.message}`,
    [{ in: 'file', message: error.message, ...(error.row ? { row: error.row } : {}) }],
  );
}

async function parseOptions(upload: Upload, account: ImportAccount, form: Partial<ImportForm>): Promise<ParseOptions> {
  const ownExport = form.mapping === undefined ? await ownExportMapping(upload.path) : undefined;
  const mapping = form.mapping ?? ownExport;
  return {
    exponent: currencyExponents[account.currency],
    accountCurrency: account.currency,
    ...(form.format ? { format: form.format } : {}),
    ...(form.date_format ? { dateFormat: form.date_format } : {}),
    ...(mapping ? { mapping } : {}),
    keepLineBreaks: ownExport !== undefined,
  };
}

/**
 * Opens the upload for the account: a file that cannot be read, or that states another currency
 * than the account's, is a 422 before anything is written.
 */
export async function openAccountStatement(upload: Upload, account: ImportAccount, form: Partial<ImportForm>): Promise<AccountStatement> {
  const options = await parseOptions(upload, account, form);
  let statement: OpenedStatement;
  try {
    statement = await openStatement(upload.path, options);
  } catch (error) {
    if (error instanceof StatementError) throw fileProblem(error);
    throw error;
  }
  const { currency } = statement.info;
  if (currency && currency !== account.currency) {
    throw problems.unprocessable(`The statement is in ${currency} but the account is in ${account.currency}.`, [
      { in: 'file', message: `states currency ${currency}, not the account's ${account.currency}` },
    ]);
  }
  return { ...statement, mapping: statement.info.mapping ?? options.mapping };
}
