import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import { ledgerDates, reportSpans } from '../../limits.ts';
import type { CurrencyCode } from '../../money/currencies.ts';
import type { ReportQueries } from './queries.ts';
import { addMonths, firstOfMonth, monthsBetween } from '../../calendar.ts';
import { categoryTrend } from './trends.ts';

/** The ledger's first month: defaults reaching further back start there. */
const firstLedgerMonth = ledgerDates.earliest.slice(0, 7);

function notBeforeLedger(month: string): string {
  return month < firstLedgerMonth ? firstLedgerMonth : month;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The requested currency, or the caller's default one: a report answers which it counted. */
async function currencyOf(reports: ReportQueries, requested: CurrencyCode | undefined): Promise<CurrencyCode> {
  return requested ?? ((await reports.defaultCurrency()) as CurrencyCode);
}

function tooLong(message: string) {
  return problems.validation([{ parameter: 'to', in: 'query', message }]);
}

export const getSpendingReport: Handler<'getSpendingReport'> = async ({ q, query }) => {
  const to = query.to ?? today();
  const from = query.from ?? firstOfMonth(to);
  if (from > to) throw problems.reversedRange('to', 'from');
  if (`${Number(from.slice(0, 4)) + reportSpans.spendingYears}${from.slice(4)}` < to) {
    throw tooLong(`is more than ${reportSpans.spendingYears} years after from`);
  }
  const groupBy = query.group_by ?? 'category';
  // The default currency is read by the report query itself: one round trip, not two.
  const rows = await q.reports.spending(groupBy, { currency: query.currency ?? null, accountId: query.account_id }, { from, to });
  const currency = (query.currency ?? rows[0]?.currency ?? (await q.reports.defaultCurrency())) as CurrencyCode;
  const groups = rows.map(({ currency: _currency, ...group }) => group);
  return {
    status: 200,
    body: {
      currency,
      from,
      to,
      group_by: groupBy,
      total: groups.reduce((sum, row) => sum + row.total, 0),
      count: groups.reduce((sum, row) => sum + row.count, 0),
      groups,
    },
  };
};

export const getCashFlowReport: Handler<'getCashFlowReport'> = async ({ q, query }) => {
  const to = query.to ?? today().slice(0, 7);
  const from = query.from ?? notBeforeLedger(addMonths(to, -11));
  if (from > to) throw problems.reversedRange('to', 'from');
  if (addMonths(from, reportSpans.cashFlowMonths - 1) < to) throw tooLong(`is more than ${reportSpans.cashFlowMonths} months after from`);
  const currency = await currencyOf(q.reports, query.currency);
  const byMonth = new Map((await q.reports.cashFlow({ currency, accountId: query.account_id }, { from, to })).map((row) => [row.month, row]));
  const months = monthsBetween(from, to).map((month) => {
    const row = byMonth.get(month) ?? { income: 0, spending: 0, uncategorized: 0 };
    return {
      month,
      income: row.income,
      spending: row.spending,
      uncategorized: row.uncategorized,
      net: row.income - row.spending + row.uncategorized,
    };
  });
  return { status: 200, body: { currency, from, to, months } };
};

export const getTrendsReport: Handler<'getTrendsReport'> = async ({ q, query }) => {
  const to = query.to ?? today().slice(0, 7);
  const months = monthsBetween(notBeforeLedger(addMonths(to, -((query.months ?? 12) - 1))), to);
  const currency = await currencyOf(q.reports, query.currency);
  const rows = await q.reports.spendingByCategoryAndMonth(currency, { from: months[0]!, to });
  const byCategory = new Map<string, { name: string; parent_id: string | null; totals: Map<string, number> }>();
  for (const row of rows) {
    const entry = byCategory.get(row.category_id) ?? { name: row.name, parent_id: row.parent_id, totals: new Map() };
    entry.totals.set(row.month, row.total);
    byCategory.set(row.category_id, entry);
  }
  const categories = [...byCategory]
    .map(([categoryId, entry]) => {
      const series = months.map((month) => entry.totals.get(month) ?? 0);
      return { category_id: categoryId, name: entry.name, parent_id: entry.parent_id, series, ...categoryTrend(series) };
    })
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  return { status: 200, body: { currency, months, categories } };
};
