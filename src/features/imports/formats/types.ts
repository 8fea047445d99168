// The contract between the statement parsers and the import endpoint.

import type { components } from '../../../generated/api.ts';

// The formats, date layouts and CSV mapping are the contract's own schemas (one source of truth).
export type StatementFormat = components['schemas']['StatementFormat'];

export type DateFormat = components['schemas']['StatementDateFormat'];

/** Column names (when the file has a header) or 1-based column numbers as strings ('1') when it has none. */
export type CsvMapping = components['schemas']['CsvMapping'];

export type ParseOptions = {
  format?: StatementFormat;
  /** ISO 4217 minor-unit exponent of the account's currency. */
  exponent: number;
  accountCurrency: string;
  mapping?: CsvMapping;
  dateFormat?: DateFormat;
  /** Keep line breaks inside cells (our own export) instead of folding them into spaces (bank exports). */
  keepLineBreaks?: boolean;
};

export type StatementRow = {
  row: number;
  /** YYYY-MM-DD */
  date: string;
  /** Integer minor units, signed: negative = money out. */
  amount: number;
  description: string;
  payee: string | null;
  memo: string | null;
  externalId: string | null;
};

export type RowError = { row: number; message: string };

export type StatementItem = { kind: 'row'; value: StatementRow } | { kind: 'error'; value: RowError };

export type StatementInfo = {
  format: StatementFormat;
  /** The currency the file states, if any; the caller compares it with the account's. */
  currency: string | null;
  mapping?: CsvMapping;
  dateFormat?: DateFormat;
  delimiter?: string;
  decimalSeparator?: '.' | ',';
};

/** A file that cannot be parsed at all (as opposed to a bad row, which is a RowError item). */
export class StatementError extends Error {
  readonly row?: number;
  constructor(message: string, row?: number) {
    super(message);
    this.name = 'StatementError';
    this.row = row;
  }
}

/** One field of one row that cannot be read; turned into a RowError with the row number. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}
