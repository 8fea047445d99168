// An import as a pipeline: parse (the statement's items) → map (rows.ts) → enrich (enrich.ts) →
// dedupe and write (writers.ts), chunk by chunk, so a streamed CSV is never held whole.
import { problems } from '../../http/problems.ts';
import { importAnswerLimits } from '../../limits.ts';
import { importMetrics, secondsSince } from '../../observability/metrics.ts';
import type { Enricher } from './enrich.ts';
import { StatementError, type RowError, type StatementItem, type StatementRow } from './formats/types.ts';
import type { ImportRow, MappedRow } from './rows.ts';
import { fileProblem } from './statement.ts';
import type { ImportWriter, WriteCounts } from './writers.ts';

/** Rows per write: one insert statement each. */
const chunkSize = 5000;

export type ImportStages = {
  map: (row: StatementRow) => MappedRow;
  enrich: Enricher;
  writer: ImportWriter;
  /** on_error=abort: a bad row rejects the file, and every bad row is listed. */
  abortOnError: boolean;
};

/** What reading the file found, besides the rows it wrote. */
type Tally = { rowsTotal: number; failed: number; errors: RowError[]; notices: RowError[] };

export type ImportCounts = WriteCounts & { rowsTotal: number; failed: number; errors: RowError[] };

const aborted = (stages: ImportStages, tally: Tally) => stages.abortOnError && tally.failed > 0;

/** Enriches one chunk (each row takes its enriched transaction) and hands it to the writer. */
async function writeChunk(chunk: ImportRow[], stages: ImportStages): Promise<void> {
  if (chunk.length === 0) return;
  const enriched = await stages.enrich(chunk.map((entry) => entry.transaction));
  if (enriched.length !== chunk.length) throw new Error(`the enricher answered ${enriched.length} transactions for ${chunk.length}`);
  for (let index = 0; index < chunk.length; index += 1) chunk[index]!.transaction = enriched[index]!;
  await stages.writer.write(chunk);
}

function note(list: RowError[], entry: RowError): void {
  if (list.length < importAnswerLimits.errors) list.push(entry);
}

async function readAndWrite(items: AsyncIterable<StatementItem>, stages: ImportStages, tally: Tally): Promise<void> {
  let chunk: MappedRow[] = [];
  for await (const item of items) {
    tally.rowsTotal += 1;
    if (item.kind === 'error') {
      tally.failed += 1;
      note(tally.errors, item.value);
      continue;
    }
    // After a bad row an aborting import only reads on, to report every bad row at once.
    if (aborted(stages, tally)) continue;
    const mapped = stages.map(item.value);
    if (mapped.notice) note(tally.notices, mapped.notice);
    chunk.push(mapped);
    if (chunk.length >= chunkSize) {
      await writeChunk(chunk, stages);
      chunk = [];
    }
  }
  if (!aborted(stages, tally)) await writeChunk(chunk, stages);
}

function badRowsProblem(tally: Tally) {
  return problems.unprocessable(
    `${tally.failed} row(s) cannot be imported, so nothing was. Fix them, or import with on_error=skip.`,
    tally.errors.map((error) => ({ in: 'file' as const, row: error.row, message: error.message })),
  );
}

/** Rows that could not be read come first (the contract lists the first 100 of them), then cut texts; in file order. */
function reportedRows(tally: Tally): RowError[] {
  return [...tally.errors, ...tally.notices].slice(0, importAnswerLimits.errors).sort((a, b) => a.row - b.row);
}

/** An import that finished: its rows by outcome and its time, for /metrics. */
function recordImport(written: WriteCounts, tally: Tally, startedAt: number): void {
  importMetrics.rows.created.inc(written.created);
  importMetrics.rows.duplicate.inc(written.duplicates);
  importMetrics.rows.failed.inc(tally.failed);
  importMetrics.succeeded.observe(secondsSince(startedAt));
}

/**
 * Runs an import through its stages. Any failure (a file unreadable from some row on, a bad row
 * under on_error=abort, a failed write) waits for the writer to settle before it is thrown, so the
 * request's transaction can roll back everything written so far.
 */
export async function runImport(items: AsyncIterable<StatementItem>, stages: ImportStages): Promise<ImportCounts> {
  const startedAt = performance.now();
  const tally: Tally = { rowsTotal: 0, failed: 0, errors: [], notices: [] };
  try {
    await readAndWrite(items, stages, tally);
    if (aborted(stages, tally)) throw badRowsProblem(tally);
    const written = await stages.writer.finish();
    recordImport(written, tally, startedAt);
    return { ...written, rowsTotal: tally.rowsTotal, failed: tally.failed, errors: reportedRows(tally) };
  } catch (error) {
    importMetrics.failed.observe(secondsSince(startedAt));
    // A failed insert of the previous chunk is the cause; a later statement on the same connection
    // (the next chunk's enrichment) only says the transaction had already failed.
    const insertFailure = await stages.writer.settle();
    if (insertFailure !== undefined) throw insertFailure;
    if (error instanceof StatementError) throw fileProblem(error);
    throw error;
  }
}
