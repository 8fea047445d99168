import { assertIfMatch, etagOf } from '../../http/etag.ts';
import type { Handler, UserContext } from '../../http/operation.ts';
import { decodeCursor, page } from '../../http/pagination.ts';
import { notYours, problems, type FieldError } from '../../http/problems.ts';
import type { components } from '../../generated/api.ts';
import type { Transaction } from '../transactions/queries.ts';
import { compileRule, conditionProblems } from './engine.ts';
import { ruleCursor } from './queries.ts';
import { afterChange, retroChange } from './retro.ts';

type RuleCondition = components['schemas']['RuleCondition'];

const notFound = () => problems.notFound('No rule with this id.');

/** Conditions the schema cannot judge: patterns, ranges, and accounts that must be the caller's. */
async function assertConditions(context: UserContext<'createRule' | 'updateRule'>, conditions: readonly RuleCondition[] | undefined) {
  if (!conditions) return;
  const errors: FieldError[] = conditionProblems(conditions).map((error) => ({ ...error, in: 'body' as const }));
  const accounts = conditions.flatMap((condition, index) => (condition.field === 'account_id' ? [{ id: condition.value, index }] : []));
  if (accounts.length) {
    const own = new Set((await context.q.transactions.findAccountCurrencies(accounts.map((account) => account.id))).map((account) => account.id));
    for (const account of accounts) if (!own.has(account.id)) errors.push(notYours('account', `#/conditions/${account.index}/value`));
  }
  if (errors.length) throw problems.unprocessable('Some conditions cannot be used.', errors);
}

export const listRules: Handler<'listRules'> = async ({ q, query }) => {
  const limit = query.limit ?? 50;
  const rows = await q.rules.list({ limit, after: decodeCursor(query.cursor, ruleCursor) });
  return { status: 200, body: page(rows, limit, (row) => [row.priority, row.created_at, row.id], (row) => row) };
};

export const createRule: Handler<'createRule'> = async (context) => {
  const { q, body } = context;
  await assertConditions(context, body.conditions);
  const rule = await q.rules.insert({ ...body, priority: body.priority ?? 100, enabled: body.enabled ?? true, match: body.match ?? 'all' });
  return { status: 201, body: rule, headers: { Location: `/v1/rules/${rule.id}`, ETag: etagOf(rule) } };
};

export const getRule: Handler<'getRule'> = async ({ q, path }) => {
  const rule = await q.rules.find(path.id);
  if (!rule) throw notFound();
  return { status: 200, body: rule, headers: { ETag: etagOf(rule) } };
};

export const updateRule: Handler<'updateRule'> = async (context) => {
  const { q, path, headers, body } = context;
  const current = await q.rules.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await assertConditions(context, body.conditions);
  const rule = await q.rules.update(path.id, body);
  return { status: 200, body: rule, headers: { ETag: etagOf(rule) } };
};

export const deleteRule: Handler<'deleteRule'> = async ({ q, path, headers }) => {
  const current = await q.rules.find(path.id, { forUpdate: true });
  if (!current) throw notFound();
  assertIfMatch(headers['if-match'], current);
  await q.rules.delete(path.id);
  return { status: 204, body: undefined };
};

const historyPageSize = 5000;
const sampleSize = 20;

/** Re-runs one rule over the caller's history in pages; the real run writes each page's changes in one statement. */
export const applyRule: Handler<'applyRule'> = async ({ q, path, query, log }) => {
  const rule = await q.rules.find(path.id, { forUpdate: true });
  if (!rule) throw notFound();
  const compiled = compileRule(rule);
  const dryRun = query.dry_run ?? false;
  const outcome = { matched: 0, changed: 0, sample: [] as Transaction[] };
  for (let afterId: string | null = null, pages = 0; ; pages += 1) {
    const rows = await q.ruleHistory.historyPage(afterId, historyPageSize);
    const planned = rows.flatMap((row) => {
      const change = retroChange(compiled, row);
      if (change !== undefined) outcome.matched += 1;
      return change && change !== 'unchanged' ? [{ row, change }] : [];
    });
    outcome.changed += planned.length;
    const after = dryRun
      ? planned.map(({ row, change }) => afterChange(row, change, rule.id))
      : planned.length ? await q.ruleHistory.applyChanges(rule.id, planned.map(({ change }) => change)) : [];
    outcome.sample.push(...after.slice(0, sampleSize - outcome.sample.length));
    if (pages > 0 && pages % 10 === 0) log.info({ ruleId: rule.id, read: pages * historyPageSize, changed: outcome.changed }, 'applying rule');
    if (rows.length < historyPageSize) break;
    afterId = rows.at(-1)!.id;
  }
  outcome.sample.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.id < b.id ? 1 : -1));
  return { status: 200, body: { rule_id: rule.id, dry_run: dryRun, ...outcome } };
};
