import { cleanMerchant } from '../merchants/clean.ts';
import type { CleanedMerchant } from '../merchants/types.ts';
import { transactionTextLimits } from '../../limits.ts';
import { applyRules, compileRules, type CompiledRule, type GivenFields } from '../rules/engine.ts';
import type { NewTransaction, Transaction } from '../transactions/queries.ts';
import type { Categorizer, CategorizationInput } from '../categorization/categorizer.ts';
import { amountBucket } from '../categorization/features.ts';
import { categorizerContext, categorizerFor, currentState, forgetState, knownVersion } from './model.ts';
import type { EnrichmentQueries } from './queries.ts';

/** A row to write, and which of its fields the caller set (a caller's explicit value always wins). */
export type Incoming = { row: NewTransaction; given: GivenFields };
/** The same, with its merchant cleaned once: from its payee (a statement's), else its description. */
type Prepared = Incoming & { cleaned: CleanedMerchant | undefined };

/** Everything enriching a set of rows needs, read once per write (create, batch or import chunk). */
type Enrichment = { rules: readonly CompiledRule[]; aliases: ReadonlyMap<string, string>; categorizer: Categorizer | undefined; threshold: number };

const maxTags = 20;

/** A merchant name and key are at most as long as the Merchant schema allows (a 500-character description can clean to more). */
const fit = (text: string) => text.slice(0, transactionTextLimits.merchant).trimEnd();

/** A text's merchant, cleaned and fitted to the Merchant schema's lengths. */
function cleanedMerchantOf(text: string): CleanedMerchant | undefined {
  const cleaned = cleanMerchant(text);
  return cleaned && { ...cleaned, key: fit(cleaned.key), name: fit(cleaned.name) };
}

type Cleaner = (text: string) => CleanedMerchant | undefined;

function prepare(incoming: Incoming, clean: Cleaner = cleanedMerchantOf): Prepared {
  const { row, given } = incoming;
  return { ...incoming, cleaned: clean(given.merchant ? row.description : (row.merchant ?? row.description)) };
}

/**
 * The merchant a row gets: the caller's; else the user's own name for its cleaned key; else a
 * statement's payee as the bank wrote it, unless the lexicon knows the brand; else the cleaned name.
 */
function merchantOf({ row, given, cleaned }: Prepared, aliases: ReadonlyMap<string, string>): string | null {
  if (given.merchant || !cleaned) return row.merchant;
  const alias = aliases.get(cleaned.key);
  if (alias) return alias;
  return row.merchant && !cleaned.brand ? row.merchant : cleaned.name;
}

/**
 * One row through the one pipeline every write path uses: merchant cleaning → rules → model.
 * Rules run in priority order; the model only decides when no rule set a category and its
 * confidence reaches the user's threshold.
 */
function enrichRow(prepared: Prepared, enrichment: Enrichment): NewTransaction {
  const { row, given } = prepared;
  const merchant = merchantOf(prepared, enrichment.aliases);
  const outcome = applyRules(enrichment.rules, { description: row.description, merchant, amount: row.amount, accountId: row.accountId }, given);
  const enriched: NewTransaction = {
    ...row,
    merchant: outcome.merchant ?? merchant,
    merchantKey: prepared.cleaned?.key ?? null,
    notes: outcome.notes ?? row.notes,
    tags: [...new Set([...row.tags, ...outcome.tags])].slice(0, Math.max(maxTags, row.tags.length)),
  };
  if (outcome.categoryId) return { ...enriched, categoryId: outcome.categoryId, categorizedBy: 'rule', ruleId: outcome.ruleId ?? null };
  if (given.categoryId || row.categoryId || !enrichment.categorizer) return enriched;
  const [guess] = enrichment.categorizer.suggest(categorizationInput(enriched, prepared.cleaned), 1);
  return guess && guess.confidence >= enrichment.threshold ? { ...enriched, categoryId: guess.categoryId, categorizedBy: 'model' } : enriched;
}

/**
 * A row as the categorizer reads it. Without its currency: a row is enriched and learnt from
 * before its insert looks its account's currency up, so amounts are always bucketed as if in
 * hundredths (the same for learning and suggesting).
 */
export function categorizationInput(row: Pick<NewTransaction, 'description' | 'amount'>, cleaned: CleanedMerchant | undefined): CategorizationInput {
  return { description: row.description, amount: row.amount, merchant: cleaned };
}

/**
 * Enriches rows: merchants cleaned once, then what the rows need read in one statement (rules,
 * the user's merchant names, the threshold), then rules and the model row by row.
 */
export async function enrich(queries: EnrichmentQueries, userId: string, rows: readonly Incoming[]): Promise<NewTransaction[]> {
  const prepared = rows.map((row) => prepare(row));
  const keys = [...new Set(prepared.flatMap(({ cleaned, given }) => (cleaned && !given.merchant ? [cleaned.key] : [])))];
  // A write whose every row comes with its category asks no model: nothing of it is read.
  const needsModel = prepared.some(({ given }) => !given.categoryId);
  const context = await queries.context(keys, needsModel ? knownVersion(userId) : null);
  // A threshold of 1 turns the model off: no categorizer is built for it.
  const categorizer = needsModel && context.threshold < 1 ? userCategorizer(userId, context) : undefined;
  const enrichment: Enrichment = { rules: compileRules(context.rules), aliases: context.aliases, threshold: context.threshold, categorizer };
  return prepared.map((row) => enrichRow(row, enrichment));
}

/** How many cleaned texts and model verdicts a stream keeps: enough for a statement's repeats, flat in its length. */
const rememberedPerStream = 20_000;

/** A cleaner that remembers its last texts: a statement names the same merchants in the same words again and again. */
function rememberingCleaner(): Cleaner {
  const cleaned = new Map<string, CleanedMerchant | undefined>();
  return (text) => {
    if (cleaned.has(text)) return cleaned.get(text);
    if (cleaned.size >= rememberedPerStream) cleaned.clear();
    const merchant = cleanedMerchantOf(text);
    cleaned.set(text, merchant);
    return merchant;
  };
}

/** Enriches one chunk of a stream: computation alone, no database. */
export type StreamEnricher = (rows: readonly Incoming[]) => NewTransaction[];

/**
 * The same pipeline for a stream of chunks (an import): the rules, every merchant name of the
 * user's (a stream's merchant keys are not known up front), the threshold and the categorizer are
 * read once, before the first chunk, so enriching a chunk is computation alone, done while the
 * previous chunk's insert holds the connection. A text met again is not cleaned again, and rows of
 * one merchant and amount bucket ask the model once (both remembered up to a bound). The model is
 * always read: a stream's rows come without categories.
 */
export async function streamEnricher(queries: EnrichmentQueries, userId: string): Promise<StreamEnricher> {
  const context = await queries.context(null, knownVersion(userId));
  const categorizer = context.threshold < 1 ? userCategorizer(userId, context) : undefined;
  const enrichment: Enrichment = { rules: compileRules(context.rules), aliases: context.aliases, threshold: context.threshold, categorizer };
  const clean = rememberingCleaner();
  return (rows) => rows.map((row) => enrichRow(prepare(row, clean), enrichment));
}

/** The user's categorizer as of now: their stored state, the lessons not yet folded into it, their taxonomy. */
export function userCategorizer(userId: string, context: Pick<Awaited<ReturnType<EnrichmentQueries['context']>>, 'categories' | 'model' | 'lessons'>): Categorizer {
  const categorizer = categorizerFor(categorizerContext(context.categories), currentState(userId, context.model));
  for (const lesson of context.lessons) categorizer.learn(lesson.input, lesson.category_id, { correction: lesson.correction });
  return memoized(categorizer);
}

/**
 * Within one write, rows of the same cleaned merchant, sign and size share the model's verdict:
 * an import of 100,000 rows asks it once per merchant and amount bucket, not per row.
 */
function memoized(categorizer: Categorizer): Categorizer {
  const verdicts = new Map<string, ReturnType<Categorizer['suggest']>>();
  return {
    suggest: (input, limit) => {
      if (!input.merchant || limit !== 1) return categorizer.suggest(input, limit);
      const key = `${input.merchant.key}\u0000${amountBucket(input.amount, input.currency)}`;
      let verdict = verdicts.get(key);
      if (!verdict) {
        if (verdicts.size >= rememberedPerStream) verdicts.clear();
        verdicts.set(key, (verdict = categorizer.suggest(input, 1)));
      }
      return verdict;
    },
    learn: (input, categoryId, options) => categorizer.learn(input, categoryId, options),
  };
}

/** How many lessons wait before a write folds them into the stored state. */
const foldEvery = 16;

/**
 * Teaches the user's categorizer the categories they chose, in the write's own transaction: the
 * lessons are appended (no lock, no rewrite of the state). Answers how many are then pending: the
 * write folds them into the stored state once it has committed, when foldIsDue says so. A
 * correction of a model guess counts extra.
 */
export async function learn(queries: EnrichmentQueries, lessons: readonly Lesson[]): Promise<number> {
  return lessons.length === 0 ? 0 : queries.appendLessons(lessons);
}

/** Whether a write that left this many lessons pending should fold them into the stored state. */
export function foldIsDue(pendingLessons: number): boolean {
  return pendingLessons >= foldEvery;
}

/** Folds the pending lessons into the stored state, the next version, and drops them. */
export async function foldLessons(queries: EnrichmentQueries, userId: string): Promise<void> {
  const locked = await queries.lockModel();
  const lessons = await queries.lessonsToFold();
  if (lessons.length === 0) return;
  const categorizer = categorizerFor(categorizerContext(await queries.categories()), locked?.state);
  for (const lesson of lessons) categorizer.learn(lesson.input, lesson.category_id, { correction: lesson.correction });
  await queries.saveModel(categorizer.toState(), locked?.version ?? 0);
  await queries.dropLessons(lessons.at(-1)!.id);
  forgetState(userId);
}

/** One category the user chose for one transaction. */
export type Lesson = { input: CategorizationInput; categoryId: string; correction: boolean };

/** A written transaction as the categorizer reads it: its merchant (or description) cleaned. */
export function writtenInput(transaction: Pick<Transaction, 'description' | 'amount' | 'merchant'>): CategorizationInput {
  return categorizationInput(transaction, cleanMerchant(transaction.merchant ?? transaction.description));
}

/** What rows about to be written teach, each by its row's id: the categories the user chose (rules and the model teach nothing). */
export function lessonsOf(rows: readonly Incoming[], enriched: readonly NewTransaction[]): (Lesson & { transactionId: string })[] {
  return rows.flatMap(({ given }, index) => {
    const row = enriched[index];
    return given.categoryId && row?.categoryId
      ? [{ transactionId: row.id, input: writtenInput(row), categoryId: row.categoryId, correction: false }]
      : [];
  });
}
