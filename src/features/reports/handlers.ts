import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import type { CurrencyCode } from '../../money/currencies.ts';
import {
  cashFlow,
  defaultCurrency,
  spendingByAccount,
  spendingByCategory,
  spendingByCategoryAndMonth,
  spendingByMerchant,
  spendingByMonth,
  spendingByParentCategory,
  spendingByPeriod,
  type ReportScope,
  type SpendingGroupRow,
} from './queries.ts';
import { addMonths, firstOfMonth, monthsBetween } from '../../calendar.ts';
import { categoryTrend } from './trends.ts';
import type { CommonQueryMethods } from 'slonik';

const maxSpendingYears = 20;
const maxCashFlowMonths = 120;
/** The ledger starts in 1900: defaults reaching further back start there. */
const firstMonth = '1900-01';

function notBefore1900(month: string): string {
  return month < firstMonth ? firstMonth : month;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function scopeOf(
  db: CommonQueryMethods,
  userId: string,
  query: { currency?: CurrencyCode; account_id?: string },
): Promise<ReportScope & { currency: CurrencyCode }> {
  const currency = query.currency ?? ((await defaultCurrency(db, userId)) as CurrencyCode);
  return { userId, currency, accountId: query.account_id };
}

function outOfOrder(parameter: string, message: string) {
  return problems.validation([{ parameter, in: 'query', message }]);
}

const spendingQueries = {
  category: spendingByCategory,
  parent_category: spendingByParentCategory,
  account: spendingByAccount,
  merchant: spendingByMerchant,
  month: spendingByMonth,
  week: (db: CommonQueryMethods, scope: ReportScope, range: { from: string; to: string }) =>
    spendingByPeriod(db, scope, range, 'week'),
  day: (db: CommonQueryMethods, scope: ReportScope, range: { from: string; to: string }) =>
    spendingByPeriod(db, scope, range, 'day'),
} as const;

export const getSpendingReport: Handler<'getSpendingReport'> = async ({ db, userId, query }) => {
  const to = query.to ?? today();
  const from = query.from ?? firstOfMonth(to);
  if (from > to) throw outOfOrder('to', 'is before from');
  if (`${Number(from.slice(0, 4)) + maxSpendingYears}${from.slice(4)}` < to) {
    throw outOfOrder('to', `is more than ${maxSpendingYears} years after from`);
  }
  const groupBy = query.group_by ?? 'category';
  // The default currency is read by the report query itself: one round trip, not two.
  const rows: readonly SpendingGroupRow[] = await spendingQueries[groupBy](
    db,
    { userId, currency: query.currency ?? null, accountId: query.account_id },
    { from, to },
  );
  const currency = (query.currency ?? rows[0]?.currency ?? (await defaultCurrency(db, userId))) as CurrencyCode;
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

export const getCashFlowReport: Handler<'getCashFlowReport'> = async ({ db, userId, query }) => {
  const to = query.to ?? today().slice(0, 7);
  const from = query.from ?? notBefore1900(addMonths(to, -11));
  if (from > to) throw outOfOrder('to', 'is before from');
  if (addMonths(from, maxCashFlowMonths - 1) < to) throw outOfOrder('to', `is more than ${maxCashFlowMonths} months after from`);
  const scope = await scopeOf(db, userId, query);
  const byMonth = new Map((await cashFlow(db, scope, { from, to })).map((row) => [row.month, row]));
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
  return { status: 200, body: { currency: scope.currency, from, to, months } };
};

export const getTrendsReport: Handler<'getTrendsReport'> = async ({ db, userId, query }) => {
  const to = query.to ?? today().slice(0, 7);
  const months = monthsBetween(notBefore1900(addMonths(to, -((query.months ?? 12) - 1))), to);
  const scope = await scopeOf(db, userId, { currency: query.currency });
  const rows = await spendingByCategoryAndMonth(db, scope, { from: months[0]!, to });
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
  return { status: 200, body: { currency: scope.currency, months, categories } };
};
