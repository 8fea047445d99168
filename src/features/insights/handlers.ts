import { addDays, addMonths } from '../../calendar.ts';
import type { Handler } from '../../http/operation.ts';
import { problems } from '../../http/problems.ts';
import { ledgerDates } from '../../limits.ts';
import type { CurrencyCode } from '../../money/currencies.ts';
import { ledgerAnalysis } from './analysis.ts';
import { undismissed } from './dismissals.ts';
import { spendingForecast } from './forecast-report.ts';
import type { Anomaly, RecurringSeries } from './types.ts';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export const getSpendingForecast: Handler<'getSpendingForecast'> = async ({ q, userId, query }) => {
  const asOf = query.as_of ?? today().slice(0, 7);
  const months = query.months ?? 3;
  if (addMonths(asOf, months - 1) > ledgerDates.latest.slice(0, 7)) {
    throw problems.validation([{ parameter: 'as_of', in: 'query', message: `with months=${months} reaches past ${ledgerDates.latest.slice(0, 7)}` }]);
  }
  const { revision, default_currency } = await q.insights.ledgerState();
  const request = { currency: query.currency ?? default_currency, asOf, months, groupBy: query.group_by ?? 'category' };
  // Recurring bills are known future amounts only from now on: for a past as_of the streams
  // would be read from the months being forecast.
  const knowsRecurring = asOf >= today().slice(0, 7);
  const [monthly, categories, analysis] = await Promise.all([
    q.insights.monthlySpending(request.currency, `${asOf}-01`),
    q.insights.categories(),
    knowsRecurring ? ledgerAnalysis(q.insights, userId, revision, today()) : undefined,
  ]);
  const recurring = { streams: analysis?.recurring ?? [], charges: analysis?.recurringCharges ?? [] };
  return { status: 200, body: spendingForecast(request, monthly, categories, recurring) };
};

function anomalyView(anomaly: Anomaly, merchants: ReadonlyMap<string, string | null>) {
  return {
    transaction_id: anomaly.transactionId,
    kind: anomaly.kind,
    score: anomaly.score,
    reason: anomaly.reason,
    expected: anomaly.expected,
    date: anomaly.date,
    merchant: merchants.get(anomaly.transactionId) ?? null,
    amount: anomaly.amount,
    currency: anomaly.currency as CurrencyCode,
  };
}

export const listAnomalies: Handler<'listAnomalies'> = async ({ q, userId, query }) => {
  const to = query.to ?? today();
  const from = query.from ?? (addDays(to, -90) < ledgerDates.earliest ? ledgerDates.earliest : addDays(to, -90));
  if (from > to) throw problems.reversedRange('to', 'from');
  const [{ revision }, dismissals] = await Promise.all([q.insights.ledgerState(), q.insights.dismissals()]);
  const analysis = await ledgerAnalysis(q.insights, userId, revision, today());
  const inRange = analysis.anomalies.filter((anomaly) => anomaly.date >= from && anomaly.date <= to);
  const data = undismissed(inRange, dismissals).slice(0, query.limit ?? 50);
  return { status: 200, body: { data: data.map((anomaly) => anomalyView(anomaly, analysis.merchants)) } };
};

export const dismissAnomaly: Handler<'dismissAnomaly'> = async ({ q, userId, path }) => {
  const { revision } = await q.insights.ledgerState();
  const analysis = await ledgerAnalysis(q.insights, userId, revision, today());
  const flagged = analysis.anomalies.find((anomaly) => anomaly.transactionId === path.transaction_id);
  const dismissal = await q.insights.dismiss(path.transaction_id, flagged?.kind ?? null);
  if (!dismissal) throw problems.notFound('No transaction with this id.');
  const { merchant_key: _key, ...body } = dismissal;
  return { status: 200, body };
};

function recurringView(stream: RecurringSeries) {
  return {
    merchant: stream.merchant,
    currency: stream.currency as CurrencyCode,
    category_id: stream.categoryId,
    cadence: stream.cadence,
    typical_amount: stream.typicalAmount,
    last_amount: stream.lastAmount,
    first_date: stream.firstDate,
    last_date: stream.lastDate,
    next_expected_date: stream.nextExpectedDate,
    transaction_count: stream.transactionCount,
    last_transaction_id: stream.lastTransactionId,
    direction: stream.direction,
    state: stream.state,
  };
}

export const listRecurring: Handler<'listRecurring'> = async ({ q, userId }) => {
  const { revision } = await q.insights.ledgerState();
  const analysis = await ledgerAnalysis(q.insights, userId, revision, today());
  return { status: 200, body: { data: analysis.recurring.map(recurringView) } };
};
