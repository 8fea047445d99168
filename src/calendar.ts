// Calendar arithmetic on 'YYYY-MM-DD' and 'YYYY-MM' strings, in UTC so no time zone can shift a day.
// Shared by reports (whole months and edges) and budgets (periods and their sums).

const dayMs = 86_400_000;

function toDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return formatDay(new Date(toDate(day).getTime() + days * dayMs));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / dayMs);
}

export function firstOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** 'YYYY-MM' plus `months` (negative allowed). */
export function addMonths(month: string, months: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
  return months;
}

export type DayRange = { from: string; to: string };

/**
 * Splits [from, to] into the whole calendar months inside it (served by the monthly aggregates)
 * and at most two partial edges (served by the transactions themselves), each inside one
 * calendar month, so an edge's month is known without reading its rows. `whole.end` is exclusive.
 */
export function splitIntoMonths(range: DayRange): { whole: { start: string; end: string } | null; edges: DayRange[] } {
  const firstWhole = range.from.endsWith('-01') ? range.from : `${addMonths(range.from.slice(0, 7), 1)}-01`;
  const dayAfterTo = addDays(range.to, 1);
  const endExclusive = dayAfterTo.endsWith('-01') ? dayAfterTo : firstOfMonth(range.to);
  if (firstWhole >= endExclusive) {
    // No whole month inside: the range lies in one month, or straddles the start of the next.
    const nextMonth = firstOfMonth(range.to);
    if (range.from >= nextMonth) return { whole: null, edges: [range] };
    return { whole: null, edges: [{ from: range.from, to: addDays(nextMonth, -1) }, { from: nextMonth, to: range.to }] };
  }
  const edges: DayRange[] = [];
  if (range.from < firstWhole) edges.push({ from: range.from, to: addDays(firstWhole, -1) });
  if (endExclusive <= range.to) edges.push({ from: endExclusive, to: range.to });
  return { whole: { start: firstWhole, end: endExclusive }, edges };
}
