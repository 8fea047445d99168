import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import iconv from 'iconv-lite';
import { formatMinorUnits, guessDecimalSeparator, parseAmount } from '../src/features/imports/formats/amounts.ts';
import { splitRecords, sniffDelimiter } from '../src/features/imports/formats/csv-layout.ts';
import { dateFormats, detectDateFormat, parseDate } from '../src/features/imports/formats/dates.ts';
import { escapeOfxText } from '../src/features/imports/formats/ofx.ts';
import { projectRoot } from '../src/paths.ts';
import {
  detectFormat,
  openStatement,
  StatementError,
  type DateFormat,
  type ParseOptions,
  type RowError,
  type StatementFormat,
  type StatementInfo,
  type StatementRow,
} from '../src/features/imports/formats/index.ts';

const fixtures = fileURLToPath(new URL('./fixtures/statements/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);
const usd = { exponent: 2, accountCurrency: 'USD' };
const eur = { exponent: 2, accountCurrency: 'EUR' };

async function parseFile(path: string, options: ParseOptions): Promise<{ info: StatementInfo; rows: StatementRow[]; errors: RowError[] }> {
  const { info, items } = await openStatement(path, options);
  const rows: StatementRow[] = [];
  const errors: RowError[] = [];
  for await (const item of items) {
    if (item.kind === 'row') rows.push(item.value);
    else errors.push(item.value);
  }
  return { info, rows, errors };
}

const row = (value: Partial<StatementRow> & Pick<StatementRow, 'row' | 'date' | 'amount' | 'description'>): StatementRow => ({
  payee: null,
  memo: null,
  externalId: null,
  ...value,
});

async function rejection(promise: Promise<unknown>): Promise<StatementError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StatementError);
    return error as StatementError;
  }
  throw new Error('expected a StatementError');
}

describe('detectFormat', () => {
  const expected: [string, StatementFormat][] = [
    ['csv/us-bank.csv', 'csv'],
    ['csv/german-bank.csv', 'csv'],
    ['csv/uk-bank.csv', 'csv'],
    ['csv/french-bank.csv', 'csv'],
    ['csv/no-header.csv', 'csv'],
    ['csv/jpy.csv', 'csv'],
    ['csv/ragged.csv', 'csv'],
    ['csv/bad-rows.csv', 'csv'],
    ['csv/tab-separated.tsv', 'csv'],
    ['csv/dutch-ing.csv', 'csv'],
    ['csv/spendsense-export.csv', 'csv'],
    ['ofx/checking-sgml-102.ofx', 'ofx'],
    ['ofx/savings-xml-220.ofx', 'ofx'],
    ['ofx/amex-creditcard.qfx', 'qfx'],
    ['ofx/single-transaction.ofx', 'ofx'],
    ['ofx/french-eur.ofx', 'ofx'],
    ['qif/checking-us.qif', 'qif'],
    ['qif/creditcard-uk.qif', 'qif'],
    ['camt053/commerzbank-2026-03.xml', 'camt053'],
    ['junk/truncated.ofx', 'ofx'],
  ];

  it.each(expected)('recognises %s as %s from its content', (name, format) => {
    // a misleading name does not matter: content decides
    expect(detectFormat(readFileSync(fixture(name)), 'statement.txt')).toBe(format);
  });

  it('tells QFX from OFX by INTU.BID, or by a .qfx name', () => {
    expect(detectFormat(readFileSync(fixture('ofx/amex-creditcard.qfx')))).toBe('qfx');
    expect(detectFormat(readFileSync(fixture('ofx/checking-sgml-102.ofx')), 'download.QFX')).toBe('qfx');
  });

  it('looks only at the head it is given, even if a multi-byte character is cut off', () => {
    const head = readFileSync(fixture('csv/german-bank.csv'));
    const cut = head.indexOf(Buffer.from('ü')) + 1;
    expect(detectFormat(head.subarray(0, cut + 200 - (cut % 2)))).toBe('csv');
  });

  it.each([
    ['junk/binary.bin', /binary/],
    ['junk/empty.csv', /empty/],
    ['junk/pain001-not-camt.xml', /XML but not an OFX or camt\.053/],
  ])('rejects %s', (name, message) => {
    expect(() => detectFormat(readFileSync(fixture(name)), name)).toThrow(StatementError);
    expect(() => detectFormat(readFileSync(fixture(name)), name)).toThrow(message);
  });

  it('rejects binary junk without NUL bytes, camt.054, JSON, PDF and prose', () => {
    const noise = Buffer.from(Array.from({ length: 400 }, (_, i) => 1 + ((i * 7919) % 255)));
    expect(() => detectFormat(noise)).toThrow(/binary/);
    expect(() => detectFormat(Buffer.from('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>'))).toThrow(/camt\.054 is not supported/);
    expect(() => detectFormat(Buffer.from('[{"date":"2026-03-02","amount":-4.5}]'))).toThrow(/JSON/);
    expect(() => detectFormat(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n'))).toThrow(/PDF/);
    expect(() => detectFormat(Buffer.from('Dear customer\nyour statement is attached\n'))).toThrow(/not a bank statement/);
    expect(() => detectFormat(Buffer.from('  \r\n\r\n  '))).toThrow(/blank/);
  });

  it('accepts Windows-1252 text that is not UTF-8 and UTF-16 with a BOM', () => {
    expect(detectFormat(readFileSync(fixture('csv/french-bank.csv')))).toBe('csv');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Date,Description,Amount\r\n2026-03-02,Café,-4.50\r\n', 'utf16le')]);
    expect(detectFormat(utf16)).toBe('csv');
  });
});

describe('parseAmount', () => {
  const dot = { exponent: 2, decimalSeparator: '.' as const };
  const comma = { exponent: 2, decimalSeparator: ',' as const };

  it.each([
    ['1,234.56', dot, 123456],
    ['1.234,56', comma, 123456],
    ['-1.234,56', comma, -123456],
    ['-12.5', dot, -1250],
    ['(12.50)', dot, -1250],
    ['12.50-', dot, -1250],
    ['€ 12,50', comma, 1250],
    ['12,50 €', comma, 1250],
    ['-$1,850.00', dot, -185000],
    ['$-4.20', dot, -420],
    ['£2,315.60', dot, 231560],
    ['+3,250.00', dot, 325000],
    ['EUR 99,90', comma, 9990],
    ['1 234,56', comma, 123456],
    ['1\u00a0120,00', comma, 112000],
    ["1'234.50", dot, 123450],
    ['12.50 DR', dot, -1250],
    ['12.50 CR', dot, 1250],
    ['−7.00', dot, -700],
    ['.5', dot, 50],
    ['12.', dot, 1200],
    ['0.00', dot, 0],
    ['-0.00', dot, 0],
    ['12.500', dot, 1250],
    ['1,234', dot, 123400],
    ['1.234', comma, 123400],
  ])('reads %p as %p minor units', (text, options, expected) => {
    expect(parseAmount(text, options)).toBe(expected);
  });

  it('respects the currency exponent: JPY 0, USD 2, KWD 3', () => {
    expect(parseAmount('1,280', { exponent: 0, decimalSeparator: '.' })).toBe(1280);
    expect(parseAmount('-95000', { exponent: 0, decimalSeparator: '.' })).toBe(-95000);
    expect(parseAmount('12.345', { exponent: 3, decimalSeparator: '.' })).toBe(12345);
    expect(parseAmount('1.5', { exponent: 3, decimalSeparator: '.' })).toBe(1500);
    expect(parseAmount('1280.00', { exponent: 0, decimalSeparator: '.' })).toBe(1280);
    expect(() => parseAmount('1280.5', { exponent: 0, decimalSeparator: '.', currency: 'JPY' })).toThrow('amount "1280.5" has 1 decimals but JPY has 0');
  });

  it.each([
    ['12,345', comma, 'amount "12,345" has 3 decimals but USD has 2'],
    ['12.345', dot, 'amount "12.345" has 3 decimals but USD has 2'],
    ['', dot, 'amount is empty'],
    ['abc', dot, 'amount "abc" is not a number'],
    ['12.3.4', dot, 'not a number'],
    ['1,23,456.00', dot, 'is not a number with "." as decimal separator'],
    ['12.5', comma, 'is not a number with "," as decimal separator'],
    ['--5', dot, 'more than one sign'],
    ['(-5)', dot, 'more than one sign'],
    ['10000000000000.01', dot, 'too large'],
  ])('rejects %p', (text, options, message) => {
    expect(() => parseAmount(text, { ...options, currency: 'USD' })).toThrow(message);
  });

  it('accepts exactly 10^15 minor units and no more', () => {
    expect(parseAmount('10000000000000.00', dot)).toBe(1e15);
    expect(parseAmount('-10,000,000,000,000.00', dot)).toBe(-1e15);
    expect(() => parseAmount('10000000000000.01', dot)).toThrow(/too large/);
    expect(() => parseAmount('99999999999999999999999', dot)).toThrow(/too large/);
  });

  const exponent = fc.constantFrom(0, 2, 3);
  const style = fc.constantFrom(
    { decimalSeparator: '.' as const, thousandsSeparator: '' },
    { decimalSeparator: '.' as const, thousandsSeparator: ',' },
    { decimalSeparator: ',' as const, thousandsSeparator: '' },
    { decimalSeparator: ',' as const, thousandsSeparator: '.' },
    { decimalSeparator: ',' as const, thousandsSeparator: '\u00a0' },
  );
  const minorUnits = fc.integer({ min: -1e15, max: 1e15 });

  it('property: formatting minor units with any exponent and separators and parsing back is the identity', () => {
    fc.assert(
      fc.property(minorUnits, exponent, style, (value, exp, { decimalSeparator, thousandsSeparator }) => {
        const text = formatMinorUnits(value, { exponent: exp, decimalSeparator, thousandsSeparator });
        expect(parseAmount(text, { exponent: exp, decimalSeparator })).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: accounting forms (parentheses, trailing minus, currency symbols) mean the same amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), exponent, (value, exp) => {
        const text = formatMinorUnits(value, { exponent: exp, thousandsSeparator: ',' });
        const options = { exponent: exp, decimalSeparator: '.' as const };
        expect(parseAmount(`(${text})`, options)).toBe(-value);
        expect(parseAmount(`${text}-`, options)).toBe(-value);
        expect(parseAmount(`$${text}`, options)).toBe(value);
        expect(parseAmount(`-${text} USD`, options)).toBe(-value);
      }),
    );
  });

  it('property: extra non-zero decimals are rejected, extra zeros are not', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), exponent, fc.integer({ min: 1, max: 9 }), (value, exp, digit) => {
        const text = formatMinorUnits(value, { exponent: exp });
        const withDecimals = exp === 0 ? `${text}.` : text;
        const options = { exponent: exp, decimalSeparator: '.' as const };
        expect(parseAmount(`${withDecimals}000`, options)).toBe(value);
        expect(() => parseAmount(`${withDecimals}${digit}`, options)).toThrow(/decimals/);
      }),
    );
  });

  it('guesses the decimal separator from a column of amounts', () => {
    expect(guessDecimalSeparator(['-54,38', '3.412,50', '-1.234,56'])).toEqual({ decimalSeparator: ',', commaThousands: false });
    expect(guessDecimalSeparator(['-87.43', '3,250.00'])).toEqual({ decimalSeparator: '.', commaThousands: true });
    expect(guessDecimalSeparator(['1,234', '5.678'])).toEqual({ decimalSeparator: null, commaThousands: false });
    expect(guessDecimalSeparator(['1,234,567'])).toEqual({ decimalSeparator: '.', commaThousands: true });
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-03-14', 'YYYY-MM-DD', '2026-03-14'],
    ['2026/3/4', 'YYYY-MM-DD', '2026-03-04'],
    ['14/03/2026', 'DD/MM/YYYY', '2026-03-14'],
    ['03/14/2026', 'MM/DD/YYYY', '2026-03-14'],
    ['3/4/2026', 'MM/DD/YYYY', '2026-03-04'],
    ['14.03.2026', 'DD.MM.YYYY', '2026-03-14'],
    ['20260314', 'YYYYMMDD', '2026-03-14'],
    ['14-03-2026', 'DD-MM-YYYY', '2026-03-14'],
    ['03-14-2026', 'MM-DD-YYYY', '2026-03-14'],
    ["3/14'26", 'MM/DD/YYYY', '2026-03-14'],
    [" 3/ 4'26", 'MM/DD/YYYY', '2026-03-04'],
    ["14/3'99", 'DD/MM/YYYY', '2099-03-14'],
    ['3/14/26', 'MM/DD/YYYY', '2026-03-14'],
    ['3/14/98', 'MM/DD/YYYY', '1998-03-14'],
    ['2026-03-14 10:22:01', 'YYYY-MM-DD', '2026-03-14'],
    ['2026-03-14T10:22:01Z', 'YYYY-MM-DD', '2026-03-14'],
    ['14.03.2026 07:51', 'DD.MM.YYYY', '2026-03-14'],
    ['2024-02-29', 'YYYY-MM-DD', '2024-02-29'],
    ['2000-02-29', 'YYYY-MM-DD', '2000-02-29'],
    ['1900-01-01', 'YYYY-MM-DD', '1900-01-01'],
    ['2199-12-31', 'YYYY-MM-DD', '2199-12-31'],
  ] as [string, DateFormat, string][])('reads %p as %s → %s', (text, format, expected) => {
    expect(parseDate(text, format)).toBe(expected);
  });

  it.each([
    ['31/02/2026', 'DD/MM/YYYY', 'date "31/02/2026" is not a real day'],
    ['2026-02-30', 'YYYY-MM-DD', 'date "2026-02-30" is not a real day'],
    ['2026-02-29', 'YYYY-MM-DD', 'is not a real day'],
    ['1900-02-29', 'YYYY-MM-DD', 'is not a real day'],
    ['2026-13-01', 'YYYY-MM-DD', 'is not a real day'],
    ['2026-00-10', 'YYYY-MM-DD', 'is not a real day'],
    ['1899-12-31', 'YYYY-MM-DD', 'date "1899-12-31" is out of range (1900-01-01 to 2199-12-31)'],
    ['2200-01-01', 'YYYY-MM-DD', 'out of range'],
    ['14/03/2026', 'MM/DD/YYYY', 'is not a real day'],
    ['2026-03-14', 'DD/MM/YYYY', 'date "2026-03-14" is not in the format DD/MM/YYYY'],
    ['yesterday', 'YYYY-MM-DD', 'is not in the format'],
    ['', 'YYYY-MM-DD', 'date is empty'],
  ] as [string, DateFormat, string][])('rejects %p as %s', (text, format, message) => {
    expect(() => parseDate(text, format)).toThrow(message);
  });

  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  function write(iso: string, format: DateFormat): string {
    const [y, m, d] = iso.split('-');
    return format
      .replace('YYYY', y!)
      .replace('MM', m!)
      .replace('DD', d!);
  }
  const day = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));

  it('property: any real day 1900–2199 written in any format reads back as itself', () => {
    fc.assert(
      fc.property(day, fc.constantFrom(...dateFormats), (iso, format) => {
        expect(parseDate(write(iso, format), format)).toBe(iso);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: the day after the last of any month is rejected as not a real day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2199 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
        expect(() => parseDate(`${year}-${pad(month)}-${pad(last + 1)}`, 'YYYY-MM-DD')).toThrow(/not a real day/);
        expect(parseDate(`${pad(last)}.${pad(month)}.${year}`, 'DD.MM.YYYY')).toBe(`${year}-${pad(month)}-${pad(last)}`);
      }),
    );
  });

  it('detects the format: a day above 12 decides, otherwise day-first unless the file is US-style', () => {
    expect(detectDateFormat(['03/02/2026', '03/14/2026'], { monthFirst: false })).toBe('MM/DD/YYYY');
    expect(detectDateFormat(['03/02/2026', '14/03/2026'], { monthFirst: true })).toBe('DD/MM/YYYY');
    expect(detectDateFormat(['03/02/2026', '04/02/2026'], { monthFirst: false })).toBe('DD/MM/YYYY');
    expect(detectDateFormat(['03/02/2026', '04/02/2026'], { monthFirst: true })).toBe('MM/DD/YYYY');
    expect(detectDateFormat(['03-02-2026', '04-02-2026'], { monthFirst: true })).toBe('MM-DD-YYYY');
    expect(detectDateFormat(['20260302', '20260331'], { monthFirst: false })).toBe('YYYYMMDD');
    expect(detectDateFormat(['2026-03-02', '2026-02-30', '2026-03-04'], { monthFirst: false })).toBe('YYYY-MM-DD');
    expect(detectDateFormat(['soon', 'later'], { monthFirst: false })).toBeNull();
  });
});

describe('CSV layout sniffing', () => {
  it('splits records the way csv-parse does, with quotes, doubled quotes and line breaks in cells', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é', ';') });
    const table = fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(table, (rows) => {
        const text = rows.map((cells) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\r\n');
        expect(splitRecords(text, ',').map((record) => record.cells)).toEqual(rows);
      }),
    );
  });

  it('numbers records by the line they start on', () => {
    const records = splitRecords('a,b\n"x\ny",z\n\nlast,1', ',');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4, 5]);
  });

  it('prefers the delimiter that splits lines into the most consistent columns', () => {
    expect(sniffDelimiter('2026-03-02;-4,50;Café\n2026-03-03;-12,00;Bäckerei\n')).toEqual({ delimiter: ';', columnCount: 3 });
    expect(sniffDelimiter('a\tb\tc\n1\t2,5\t3\n')).toEqual({ delimiter: '\t', columnCount: 3 });
    expect(sniffDelimiter('"Date","Amount"\n"03/02/2026","1,234.56"\n')).toEqual({ delimiter: ',', columnCount: 2 });
    expect(sniffDelimiter('a|b|c\nd|e|f\n')).toEqual({ delimiter: '|', columnCount: 3 });
    expect(sniffDelimiter('just some words\nand more words\n')).toBeNull();
  });
});

describe('CSV statements', () => {
  it('reads a US bank export: comma, MM/DD/YYYY, quoted thousands, signed amounts', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/us-bank.csv'), usd);
    expect(info).toEqual({
      format: 'csv',
      currency: null,
      mapping: { date: 'Posting Date', amount: 'Amount', description: 'Description' },
      dateFormat: 'MM/DD/YYYY',
      delimiter: ',',
      decimalSeparator: '.',
    });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual(row({ row: 2, date: '2026-03-02', amount: -8743, description: 'WHOLE FOODS MKT #10234 AUSTIN TX' }));
    expect(rows[2]).toEqual(row({ row: 4, date: '2026-03-03', amount: 325000, description: 'ACME CORP PAYROLL PPD ID: 9876543210' }));
    expect(rows[11]).toEqual(row({ row: 13, date: '2026-03-31', amount: -185000, description: 'BRIDGEVIEW APARTMENTS RENT WEB PMTS' }));
  });

  it('reads a German export: BOM, preamble, semicolon, DD.MM.YYYY, decimal comma', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/german-bank.csv'), eur);
    expect(info).toEqual({
      format: 'csv',
      currency: null,
      mapping: { date: 'Buchungstag', amount: 'Betrag (EUR)', description: 'Verwendungszweck', payee: 'Auftraggeber / Begünstigter' },
      dateFormat: 'DD.MM.YYYY',
      delimiter: ';',
      decimalSeparator: ',',
    });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual(row({ row: 7, date: '2026-03-02', amount: -5438, description: 'REWE SAGT DANKE 43198721 //Berlin/DE', payee: 'REWE Markt GmbH' }));
    expect(rows[3]).toEqual(row({ row: 10, date: '2026-03-04', amount: -123456, description: 'Miete März 2026 Whg. 3.OG links', payee: 'Wohnungsbau eG Mitte' }));
    expect(rows[9]).toEqual(row({ row: 16, date: '2026-03-31', amount: -495, description: 'Abrechnung 31.03.2026 siehe Anlage' }));
  });

  it('reads a UK export with Paid out / Paid in columns, pound signs and DD/MM/YYYY', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/uk-bank.csv'), { exponent: 2, accountCurrency: 'GBP' });
    expect(info.mapping).toEqual({ date: 'Date', debit: 'Paid out', credit: 'Paid in', description: 'Description' });
    expect(info.dateFormat).toBe('DD/MM/YYYY');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual(row({ row: 6, date: '2026-03-01', amount: -4217, description: 'THAMES WATER' }));
    expect(rows[2]).toEqual(row({ row: 8, date: '2026-03-05', amount: 248000, description: 'J SMITH SALARY MAR' }));
    expect(rows[4]!.amount).toBe(-120000);
    expect(rows[9]).toEqual(row({ row: 15, date: '2026-03-30', amount: -3136, description: 'WAITROSE 512 ISLINGTON' }));
  });

  it('reads a French Windows-1252 export: accents, multi-line libellés, positive debits, NBSP thousands', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/french-bank.csv'), eur);
    expect(info.mapping).toEqual({ date: 'Date', debit: 'Débit euros', credit: 'Crédit euros', description: 'Libellé' });
    expect(info).toMatchObject({ delimiter: ';', decimalSeparator: ',', dateFormat: 'DD/MM/YYYY' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual(row({ row: 2, date: '2026-03-02', amount: -7840, description: 'PRLV SEPA EDF CLIENTS PARTICULIERS Échéance mars 2026 réf. 6001234567' }));
    expect(rows[2]).toEqual(row({ row: 5, date: '2026-03-05', amount: 215000, description: 'VIREMENT EN VOTRE FAVEUR SALAIRE MARS 2026 SOCIÉTÉ DUPONT & FILS' }));
    expect(rows.map((r) => r.row)).toEqual([2, 4, 5, 7, 8, 10, 11, 13, 14, 16]);
    expect(rows[8]!.amount).toBe(-112000);
    expect(rows[9]).toEqual(row({ row: 16, date: '2026-03-31', amount: -1150, description: 'FRAIS COTISATION CARTE GOLD' }));
  });

  it('guesses the columns of a file without a header from their values', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/no-header.csv'), usd);
    expect(info.mapping).toEqual({ date: '1', amount: '2', description: '5' });
    expect(info.dateFormat).toBe('MM/DD/YYYY');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual(row({ row: 1, date: '2026-03-02', amount: -4567, description: 'PURCHASE AUTHORIZED ON 02/28 SAFEWAY #1507 SAN JOSE CA S386059712345678 CARD 4821' }));
    expect(rows[7]).toEqual(row({ row: 8, date: '2026-03-30', amount: -3825, description: 'ATM WITHDRAWAL AUTHORIZED ON 03/30 1 MARKET ST SAN FRANCISCO CA 0004567 ATM ID 1234K CARD 4821' }));
  });

  it('takes column numbers as a mapping for a file without a header', async () => {
    const { info, rows } = await parseFile(fixture('csv/no-header.csv'), { ...usd, mapping: { date: '1', amount: '2', description: '5', external_id: '4' }, dateFormat: 'MM/DD/YYYY' });
    expect(info.mapping).toEqual({ date: '1', amount: '2', description: '5', external_id: '4' });
    expect(rows[2]).toEqual(row({ row: 3, date: '2026-03-04', amount: -12000, description: 'CHECK # 2215', externalId: '2215' }));
  });

  it('reads whole yen (exponent 0) under unknown Japanese headers, with YYYYMMDD dates', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/jpy.csv'), { exponent: 0, accountCurrency: 'JPY' });
    expect(info.mapping).toEqual({ date: '取引日', amount: '入出金(円)', description: '入出金内容' });
    expect(info.dateFormat).toBe('YYYYMMDD');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual(row({ row: 2, date: '2026-03-02', amount: -1280, description: 'VISAデビット ローソン 渋谷店' }));
    expect(rows[7]).toEqual(row({ row: 9, date: '2026-03-31', amount: 12, description: '利息' }));
  });

  it('reports a ragged row with its line and keeps going', async () => {
    const { rows, errors } = await parseFile(fixture('csv/ragged.csv'), eur);
    expect(errors).toEqual([{ row: 4, message: 'row has 2 columns, expected 3' }]);
    expect(rows.map((r) => r.row)).toEqual([2, 3, 5, 6, 7]);
    expect(rows[4]).toEqual(row({ row: 7, date: '2026-03-09', amount: -610, description: 'Lunch Mensa' }));
  });

  it('reports an impossible date, too many decimals and an out-of-range date with their rows', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/bad-rows.csv'), eur);
    expect(info).toMatchObject({ delimiter: ';', decimalSeparator: ',', dateFormat: 'YYYY-MM-DD' });
    expect(errors).toEqual([
      { row: 3, message: 'date "2026-02-30" is not a real day' },
      { row: 4, message: 'amount "12,345" has 3 decimals but EUR has 2' },
      { row: 6, message: 'date "2201-01-01" is out of range (1900-01-01 to 2199-12-31)' },
    ]);
    expect(rows.map((r) => [r.row, r.amount])).toEqual([[2, -380], [5, -845], [7, -2790]]);
  });

  it('reads a tab-separated export with payee, memo and transaction ids', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/tab-separated.tsv'), eur);
    expect(info).toMatchObject({ delimiter: '\t', mapping: { date: 'Date', amount: 'Amount', payee: 'Payee', memo: 'Memo', external_id: 'Transaction ID' } });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual(row({ row: 2, date: '2026-03-01', amount: -1099, description: 'Spotify', payee: 'Spotify', memo: 'Premium Individual', externalId: 'TXN-20260301-0001' }));
    // no payee: the description falls back to the memo
    expect(rows[5]).toEqual(row({ row: 7, date: '2026-03-15', amount: 20000, description: 'Cash deposit', memo: 'Cash deposit', externalId: 'TXN-20260315-0006' }));
    expect(rows[7]).toEqual(row({ row: 9, date: '2026-03-28', amount: -2990, description: 'Gym Fit+', payee: 'Gym Fit+', memo: 'Monthly fee', externalId: 'TXN-20260328-0008' }));
  });

  it('reads ING (NL): quoted decimal commas under a comma delimiter and an Af/Bij direction column', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/dutch-ing.csv'), eur);
    expect(info).toMatchObject({ delimiter: ',', decimalSeparator: ',', dateFormat: 'YYYYMMDD' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual(
      row({ row: 2, date: '2026-03-02', amount: -2345, description: 'Albert Heijn 1403', payee: 'Albert Heijn 1403', memo: 'Pasvolgnr: 003 02-03-2026 17:45 Transactie: 6R1K2L Term: CT1234' }),
    );
    expect(rows[2]!.amount).toBe(295000);
    expect(rows[4]!.amount).toBe(-111200);
    expect(rows[5]).toEqual(row({ row: 7, date: '2026-03-20', amount: 1500, description: 'J. de Vries', payee: 'J. de Vries', memo: 'Naam: J. de Vries Omschrijving: Tikkie pizza' }));
  });

  it('reads SpendSense’s own export back, undoing the formula-injection apostrophe', async () => {
    const { info, rows, errors } = await parseFile(fixture('csv/spendsense-export.csv'), usd);
    expect(info.currency).toBe('USD');
    expect(info.mapping).toEqual({ date: 'date', amount: 'amount', description: 'description', payee: 'merchant', memo: 'notes', external_id: 'external_id' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual(row({ row: 3, date: '2026-03-03', amount: -1999, description: '=HYPERLINK("http://evil.example")', memo: '-5 bonus points', externalId: 'ofx-88231' }));
    expect(rows[2]).toEqual(row({ row: 4, date: '2026-03-05', amount: 120000, description: '+PAYROLL ACME', payee: '@acme', memo: 'monthly, net', externalId: 'ofx-88232' }));
    expect(rows[3]).toEqual(row({ row: 5, date: '2026-03-09', amount: -123456, description: 'RENT MARCH' }));
  });

  it('flags rows in another currency than the account when the file has a currency column', async () => {
    const { errors } = await parseFile(fixture('csv/spendsense-export.csv'), eur);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toEqual({ row: 2, message: 'currency USD differs from the account\'s EUR' });
  });

  describe('with a temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statements-'));
    let count = 0;
    const write = (content: string | Buffer, name = `f${++count}.csv`) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    afterAllRemove(dir);

    it('honours a mapping by header names and a given date format over detection', async () => {
      const path = write('When,What,Out,In,Ref\n02/03/2026,Tea,1.20,,A1\n03/03/2026,Refund,,5.00,A2\n');
      const { info, rows } = await parseFile(path, { ...usd, mapping: { date: 'When', debit: 'Out', credit: 'In', description: 'What', external_id: 'Ref' }, dateFormat: 'MM/DD/YYYY' });
      expect(info.dateFormat).toBe('MM/DD/YYYY');
      expect(rows).toEqual([
        row({ row: 2, date: '2026-02-03', amount: -120, description: 'Tea', externalId: 'A1' }),
        row({ row: 3, date: '2026-03-03', amount: 500, description: 'Refund', externalId: 'A2' }),
      ]);
    });

    it('treats a debit written negative as money out, and both columns as credit − debit', async () => {
      const path = write('Date,Description,Debit,Credit\n2026-03-02,Fee,-2.50,\n2026-03-03,Netted,1.00,3.00\n2026-03-04,Nothing,,\n');
      const { rows, errors } = await parseFile(path, usd);
      expect(rows.map((r) => r.amount)).toEqual([-250, 200]);
      expect(errors).toEqual([{ row: 4, message: 'both debit and credit are empty' }]);
    });

    it('gives an empty description the payee, then the memo, then "(no description)"', async () => {
      const path = write('Date,Amount,Description,Payee,Memo\n2026-03-02,-1.00,,Kiosk,note\n2026-03-03,-2.00,,,note\n2026-03-04,-3.00,,,\n');
      const { rows } = await parseFile(path, usd);
      expect(rows.map((r) => r.description)).toEqual(['Kiosk', 'note', '(no description)']);
    });

    it('decodes UTF-16 with a BOM', async () => {
      const text = 'Date\tDescription\tAmount\r\n2026-03-02\tCafé Zürich\t-4.50\r\n';
      const path = write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      const { rows } = await parseFile(path, usd);
      expect(rows).toEqual([row({ row: 2, date: '2026-03-02', amount: -450, description: 'Café Zürich' })]);
    });

    it('falls back to Windows-1252 when a non-UTF-8 byte only appears far into the file', async () => {
      const lines = ['Date,Description,Amount'];
      for (let i = 0; i < 3000; i++) lines.push(`2026-03-02,Plain ASCII row ${i},-1.00`);
      lines.push('2026-03-03,Caf\u00e9 cr\u00e8me,-3.20');
      const path = write(iconv.encode(`${lines.join('\n')}\n`, 'win1252'));
      const { rows } = await parseFile(path, usd);
      expect(rows.at(-1)).toEqual(row({ row: 3002, date: '2026-03-03', amount: -320, description: 'Café crème' }));
    });

    it('skips blank lines but keeps counting them', async () => {
      const path = write('Date,Description,Amount\r\n2026-03-02,A,-1.00\r\n\r\n,,\r\n2026-03-03,B,-2.00\r\n');
      const { rows, errors } = await parseFile(path, usd);
      expect(errors).toEqual([]);
      expect(rows.map((r) => r.row)).toEqual([2, 5]);
    });

    it('ends with a StatementError naming the row of an unclosed quote', async () => {
      const path = write('Date,Description,Amount\n2026-03-02,A,-1.00\n2026-03-03,"B never closed,-2.00\n2026-03-04,C,-3.00\n');
      const error = await rejection(parseFile(path, usd));
      expect(error.row).toBe(3);
      expect(error.message).toMatch(/row 3: a quote opened here is never closed/);
    });

    it('rejects a mapping naming a column the file does not have', async () => {
      const path = write('Date,Description,Amount\n2026-03-02,A,-1.00\n');
      expect((await rejection(openStatement(path, { ...usd, mapping: { date: 'Datum', amount: 'Amount' } }))).message).toMatch(/"Datum", which is not in the header/);
      const headerless = write('2026-03-02,A,-1.00\n');
      expect((await rejection(openStatement(headerless, { ...usd, mapping: { date: '1', amount: '7' } }))).message).toMatch(/column 7, but rows have 3 columns/);
    });

    it('accepts a header with a trailing delimiter that the rows lack', async () => {
      const { rows, errors } = await parseFile(write('Date;Description;Amount;\n2026-03-02;Tea;-1,20\n2026-03-03;Cake;-3,50\n'), eur);
      expect(errors).toEqual([]);
      expect(rows.map((r) => r.amount)).toEqual([-120, -350]);
    });

    it('reads a header-only file as a statement without rows', async () => {
      const { info, rows, errors } = await parseFile(write('Date;Description;Amount\r\n'), eur);
      expect(info.mapping).toEqual({ date: 'Date', amount: 'Amount', description: 'Description' });
      expect([rows, errors]).toEqual([[], []]);
    });

    it('rejects a CSV without a recognisable date or amount column', async () => {
      const path = write('Name,City\nAnna,Berlin\nBen,Paris\n');
      expect((await rejection(openStatement(path, usd))).message).toMatch(/which column holds the date/);
    });

    it('rejects a file over 20 MiB before reading it', async () => {
      const path = write('Date,Description,Amount\n');
      truncateSync(path, 20 * 1024 * 1024 + 1);
      expect((await rejection(openStatement(path, usd))).message).toMatch(/larger than 20 MiB/);
    });
  });
});

describe('OFX and QFX statements', () => {
  it('reads OFX 1.02 SGML in Windows-1252 with unclosed tags and a raw &', async () => {
    const { info, rows, errors } = await parseFile(fixture('ofx/checking-sgml-102.ofx'), usd);
    expect(info).toEqual({ format: 'ofx', currency: 'USD' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual(
      row({ row: 1, date: '2026-03-02', amount: -8743, description: 'WHOLE FOODS MARKET POS PURCHASE AUSTIN TX', payee: 'WHOLE FOODS MARKET', memo: 'POS PURCHASE AUSTIN TX', externalId: '2026030201' }),
    );
    expect(rows[2]).toMatchObject({ payee: 'AT&T MOBILITY', amount: -8520 });
    expect(rows[4]).toMatchObject({ payee: 'CAFÉ DU MONDE', amount: -1275 });
    expect(rows[5]).toMatchObject({ memo: '6TH ST & CONGRESS AVE' });
    expect(rows[9]).toEqual(row({ row: 10, date: '2026-03-31', amount: 42, description: 'INTEREST PAYMENT', payee: 'INTEREST PAYMENT', externalId: '2026033102' }));
  });

  it('reads OFX 2.2 XML with escaped entities', async () => {
    const { info, rows, errors } = await parseFile(fixture('ofx/savings-xml-220.ofx'), usd);
    expect(info).toEqual({ format: 'ofx', currency: 'USD' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual(
      row({ row: 1, date: '2026-03-02', amount: 50000, description: 'TRANSFER FROM CHECKING ONLINE TRANSFER REF #IB0Q7Z', payee: 'TRANSFER FROM CHECKING', memo: 'ONLINE TRANSFER REF #IB0Q7Z', externalId: 'SV20260302A1' }),
    );
    expect(rows[1]).toMatchObject({ payee: 'BARNES & NOBLE' });
    expect(rows[4]).toMatchObject({ memo: 'TAXES <IRS>', amount: -120000 });
    expect(rows[5]).toEqual(row({ row: 6, date: '2026-03-31', amount: 317, description: 'INTEREST EARNED APY 0.45%', payee: 'INTEREST EARNED', memo: 'APY 0.45%', externalId: 'SV20260331A1' }));
  });

  it('reads a QFX credit-card statement', async () => {
    const { info, rows, errors } = await parseFile(fixture('ofx/amex-creditcard.qfx'), usd);
    expect(info).toEqual({ format: 'qfx', currency: 'USD' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual(row({ row: 1, date: '2026-03-01', amount: -2340, description: 'UBER *TRIP HELP.UBER.COM CA', payee: 'UBER *TRIP HELP.UBER.COM', memo: 'CA', externalId: '320260600123456789' }));
    expect(rows[6]).toEqual(row({ row: 7, date: '2026-03-29', amount: -899, description: 'APPLE.COM/BILL 866-712-7753 CA', payee: 'APPLE.COM/BILL', memo: '866-712-7753 CA', externalId: '320260880123456795' }));
  });

  it('reads a statement holding a single transaction', async () => {
    const { info, rows } = await parseFile(fixture('ofx/single-transaction.ofx'), { exponent: 2, accountCurrency: 'CAD' });
    expect(info.currency).toBe('CAD');
    expect(rows).toEqual([row({ row: 1, date: '2026-03-14', amount: -4210, description: 'TIM HORTONS #2041 INTERAC PURCHASE', payee: 'TIM HORTONS #2041', memo: 'INTERAC PURCHASE', externalId: '90000100001' })]);
  });

  it('reads a EUR statement with a decimal comma and a raw < in a memo, and reports EUR', async () => {
    const { info, rows, errors } = await parseFile(fixture('ofx/french-eur.ofx'), eur);
    expect(info).toEqual({ format: 'ofx', currency: 'EUR' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual(row({ row: 1, date: '2026-03-02', amount: -7840, description: 'PRLV SEPA EDF Échéance mars 2026', payee: 'PRLV SEPA EDF', memo: 'Échéance mars 2026', externalId: 'WF0302A77' }));
    expect(rows[1]!.amount).toBe(-4590);
    expect(rows[2]!.payee).toBe('VIR DUPONT & FILS');
    expect(rows[3]!.memo).toBe('REF <2026-0318> LOYER PARKING');
    expect(rows[4]).toEqual(row({ row: 5, date: '2026-03-31', amount: -850, description: 'FRAIS TENUE DE COMPTE', payee: 'FRAIS TENUE DE COMPTE', externalId: 'WF0331E09' }));
  });

  it('reports the currency the file states, for the caller to compare with the account', async () => {
    const { info, rows } = await parseFile(fixture('ofx/french-eur.ofx'), usd);
    expect(info.currency).toBe('EUR');
    expect(rows).toHaveLength(5);
  });

  it('reports a bad TRNAMT or DTPOSTED as a row error numbered by STMTTRN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofx-'));
    try {
      const text = readFileSync(fixture('ofx/checking-sgml-102.ofx'), 'latin1').replace('<TRNAMT>-85.20', '<TRNAMT>-85.205').replace('<DTPOSTED>20260331120000.000[-5:EST]\r\n<TRNAMT>0.42', '<DTPOSTED>20260231120000.000[-5:EST]\r\n<TRNAMT>0.42');
      const path = join(dir, 'bad.ofx');
      writeFileSync(path, text, 'latin1');
      const { rows, errors } = await parseFile(path, usd);
      expect(errors).toEqual([
        { row: 3, message: 'amount "-85.205" has 3 decimals but USD has 2' },
        { row: 10, message: 'date "20260231" is not a real day' },
      ]);
      expect(rows).toHaveLength(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a file holding statements of two accounts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofx-'));
    try {
      const text = readFileSync(fixture('ofx/savings-xml-220.ofx'), 'utf8');
      const response = text.slice(text.indexOf('<STMTTRNRS>'), text.indexOf('</STMTTRNRS>') + '</STMTTRNRS>'.length);
      const path = join(dir, 'two.ofx');
      writeFileSync(path, text.replace(response, `${response}\n${response.replace('7712003456', '7712009999')}`));
      expect((await rejection(openStatement(path, usd))).message).toMatch(/statements of 2 accounts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escapes raw < & > in values but not tags, processing instructions or entities', () => {
    expect(escapeOfxText('<NAME>AT&T &amp; <3 > x</NAME>')).toBe('<NAME>AT&amp;T &amp; &lt;3 &gt; x</NAME>');
    expect(escapeOfxText('<?OFX OFXHEADER="200"?><MEMO>&quot;A&quot; &#233;')).toBe('<?OFX OFXHEADER="200"?><MEMO>"A" é');
  });
});

describe('QIF statements', () => {
  it('reads a US Quicken bank file: apostrophe years, thousands, splits, check numbers', async () => {
    const { info, rows, errors } = await parseFile(fixture('qif/checking-us.qif'), usd);
    expect(info).toEqual({ format: 'qif', currency: null, dateFormat: 'MM/DD/YYYY', decimalSeparator: '.' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual(row({ row: 1, date: '2026-03-02', amount: -8743, description: 'WHOLE FOODS MARKET', payee: 'WHOLE FOODS MARKET', memo: 'POS PURCHASE AUSTIN TX' }));
    expect(rows[1]!.amount).toBe(325000);
    expect(rows[2]).toMatchObject({ date: '2026-03-06', externalId: '1043' });
    expect(rows[3]).toMatchObject({ externalId: null, memo: '6TH ST & CONGRESS AVE' });
    expect(rows[4]).toMatchObject({ amount: -21239, date: '2026-03-14' });
    expect(rows[5]).toEqual(row({ row: 6, date: '2026-03-31', amount: -150000, description: 'BRIDGEVIEW APARTMENTS', payee: 'BRIDGEVIEW APARTMENTS', memo: 'Rent April' }));
  });

  it('reads a UK credit-card file in DD/MM/YYYY whose last record lacks its ^', async () => {
    const { info, rows, errors } = await parseFile(fixture('qif/creditcard-uk.qif'), { exponent: 2, accountCurrency: 'GBP' });
    expect(info.dateFormat).toBe('DD/MM/YYYY');
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual(row({ row: 1, date: '2026-03-01', amount: -2350, description: 'TESCO STORES 2231', payee: 'TESCO STORES 2231' }));
    expect(rows[4]).toEqual(row({ row: 5, date: '2026-03-27', amount: -435, description: 'COSTA COFFEE', payee: 'COSTA COFFEE' }));
  });

  it('follows a given date format and reports bad records by their ordinal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qif-'));
    try {
      const path = join(dir, 'x.qif');
      writeFileSync(path, '!Type:Cash\nD02/03/2026\nT-1.00\nPKiosk\n^\nD31/02/2026\nT-2.00\n^\nD04/03/2026\nT-3.001\n^\nT-4.00\nPNo date\n^\n');
      const { rows, errors } = await parseFile(path, { ...usd, dateFormat: 'DD/MM/YYYY' });
      expect(rows).toEqual([row({ row: 1, date: '2026-03-02', amount: -100, description: 'Kiosk', payee: 'Kiosk' })]);
      expect(errors).toEqual([
        { row: 2, message: 'date "31/02/2026" is not a real day' },
        { row: 3, message: 'amount "-3.001" has 3 decimals but USD has 2' },
        { row: 4, message: 'the record has no date (D line)' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects investment sections, several accounts and records before any !Type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qif-'));
    try {
      const cases: [string, RegExp][] = [
        ['!Type:Invst\nD03/02/2026\nNBuy\n^\n', /investment accounts are not supported/],
        ['!Account\nNChecking\n^\n!Type:Bank\nD03/02/2026\nT-1.00\n^\n!Account\nNSavings\n^\n!Type:Bank\nD03/02/2026\nT-1.00\n^\n', /2 accounts/],
        ['D03/02/2026\nT-1.00\n^\n', /no !Type header/],
      ];
      for (const [content, message] of cases) {
        const path = join(dir, 'x.qif');
        writeFileSync(path, content);
        expect((await rejection(openStatement(path, { ...usd, format: 'qif' }))).message).toMatch(message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('camt.053 statements', () => {
  it('reads entries with DBIT/CRDT, a batch with several TxDtls, references and parties', async () => {
    const { info, rows, errors } = await parseFile(fixture('camt053/commerzbank-2026-03.xml'), eur);
    expect(info).toEqual({ format: 'camt053', currency: 'EUR' });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual(
      row({ row: 1, date: '2026-03-02', amount: -5438, description: 'REWE SAGT DANKE 43198721 //Berlin/DE 2026-03-01T18:04', payee: 'REWE Markt GmbH', memo: 'Kartenzahlung girocard', externalId: '2026030200012345' }),
    );
    expect(rows[1]).toMatchObject({ amount: 341250, payee: 'Muster Software AG' });
    expect(rows[2]).toEqual(
      row({ row: 3, date: '2026-03-04', amount: -141500, description: 'Miete März 2026 Nebenkosten März 2026 Stellplatz 17', memo: 'Sammelüberweisung 3 Posten', externalId: '2026030400007711' }),
    );
    // no AcctSvcrRef and a short NtryRef: the end-to-end id of its one transaction identifies it
    expect(rows[3]).toMatchObject({ externalId: 'SWM-5500012345-2603', payee: 'Stadtwerke München GmbH' });
    expect(rows[4]).toMatchObject({ amount: 25000, payee: 'Anna Schmidt', externalId: 'E2E-ANNA-GARDA-01' });
    expect(rows[5]).toMatchObject({ date: '2026-03-20', description: 'dm-drogerie markt' });
    expect(rows[6]).toEqual(row({ row: 7, date: '2026-03-31', amount: -495, description: 'Kontoführungsentgelt März 2026', memo: 'Kontoführungsentgelt März 2026', externalId: '2026033100000001' }));
  });

  it('rejects truncated XML and flags an entry in another currency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camt-'));
    try {
      const text = readFileSync(fixture('camt053/commerzbank-2026-03.xml'), 'utf8');
      const truncated = join(dir, 'truncated.xml');
      writeFileSync(truncated, text.slice(0, text.indexOf('<NtryRef>4')));
      expect((await rejection(openStatement(truncated, eur))).message).toMatch(/malformed or truncated/);
      const foreign = join(dir, 'foreign.xml');
      writeFileSync(foreign, text.replace('<Amt Ccy="EUR">86.00</Amt>', '<Amt Ccy="USD">86.00</Amt>'));
      const { errors } = await parseFile(foreign, eur);
      expect(errors).toEqual([{ row: 4, message: 'the amount is in USD, the statement in EUR' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files that cannot be read', () => {
  it.each([
    ['junk/binary.bin', /binary/],
    ['junk/empty.csv', /empty/],
    ['junk/truncated.ofx', /OFX file is malformed or truncated/],
    ['junk/pain001-not-camt.xml', /not an OFX or camt\.053/],
  ])('%s throws a StatementError', async (name, message) => {
    expect((await rejection(openStatement(fixture(name), usd))).message).toMatch(message);
  });

  it('a format given by the caller that does not fit the content throws a StatementError', async () => {
    expect((await rejection(openStatement(fixture('csv/us-bank.csv'), { ...usd, format: 'ofx' }))).message).toMatch(/no <OFX> element/);
    expect((await rejection(openStatement(fixture('csv/us-bank.csv'), { ...usd, format: 'camt053' }))).message).toMatch(/not a camt\.053/);
    expect((await rejection(openStatement(fixture('csv/us-bank.csv'), { ...usd, format: 'qif' }))).message).toMatch(/no !Type header/);
  });
});

describe('streaming large CSV files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'statements-large-'));
  afterAllRemove(dir);

  async function writeCsv(name: string, rowCount: number): Promise<string> {
    const path = join(dir, name);
    const out = createWriteStream(path);
    out.write('Booking Date;Payee;Description;Amount;Transaction ID\n');
    for (let i = 0; i < rowCount; i++) {
      const date = `${String(1 + (i % 28)).padStart(2, '0')}.${String(1 + (i % 12)).padStart(2, '0')}.2026`;
      const amount = `${i % 3 === 0 ? '' : '-'}${1 + (Math.floor(i / 7) % 999)}.${String(i % 1000).padStart(3, '0')},${String(i % 100).padStart(2, '0')}`;
      const line = `${date};"Merchant ${i % 977}";"CARD PAYMENT ${i} AT STORE, AISLE ${i % 40}";${amount};TX-${String(i).padStart(9, '0')}\n`;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    return path;
  }

  // Parsed in a plain Node process: Jest's module sandbox makes every global lookup slow, which
  // costs csv-parse (a per-character loop) about 7× — not what the API runs on. How fast is
  // measured by `npm run bench` (the import scenario), not asserted here: a timed unit test fails
  // whenever the machine is busy.
  it('parses 100,000 rows in a plain process, every row and none wrong', async () => {
    const path = await writeCsv('100k.csv', 100_000);
    const script = join(dir, 'time-100k.mjs');
    writeFileSync(
      script,
      `import { openStatement } from ${JSON.stringify(pathToFileURL(join(projectRoot, 'src/features/imports/formats/index.ts')).href)};
      const started = performance.now();
      const { info, items } = await openStatement(${JSON.stringify(path)}, { exponent: 2, accountCurrency: 'EUR' });
      let rows = 0, errors = 0, last;
      for await (const item of items) item.kind === 'row' ? (rows++, (last = item.value)) : errors++;
      console.log(JSON.stringify({ ms: performance.now() - started, rows, errors, last, info }));`,
    );
    const result = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' })) as { ms: number; rows: number; errors: number; last: StatementRow; info: StatementInfo };
    expect([result.rows, result.errors]).toEqual([100_000, 0]);
    expect(result.info).toMatchObject({ delimiter: ';', decimalSeparator: ',', dateFormat: 'DD.MM.YYYY' });
    expect(result.last).toMatchObject({ row: 100_001, externalId: 'TX-000099999', payee: 'Merchant 345' });
  });

  it('keeps memory flat: a ~10 MiB file grows the heap no more than one 4× smaller', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    async function peakGrowth(path: string): Promise<number> {
      gc();
      const base = process.memoryUsage().heapUsed;
      let peak = 0;
      let seen = 0;
      const { items } = await openStatement(path, eur);
      for await (const item of items) {
        if (item.kind === 'row' && ++seen % 10_000 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        }
      }
      return peak;
    }
    const large = await writeCsv('large.csv', 120_000);
    const small = await writeCsv('small.csv', 30_000);
    expect(readFileSync(large).length).toBeGreaterThan(9 * 1024 * 1024);
    const smallGrowth = await peakGrowth(small);
    const largeGrowth = await peakGrowth(large);
    expect(largeGrowth).toBeLessThan(50 * 1024 * 1024);
    expect(largeGrowth - smallGrowth).toBeLessThan(8 * 1024 * 1024);
  }, 120_000); // two 10 MiB parses under jest's sandbox: slow on a busy machine, and not what is measured
});

function afterAllRemove(dir: string): void {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
