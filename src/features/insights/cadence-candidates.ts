import { daysPerSlot, everyDays, everyMonths, monthsPerSlot, twiceMonthly, type Schedule } from './cadence-schedules.ts';
import { cadenceRules, cadences, compareFits, fitSchedule, offBy, unexplainedDays, type CadenceRule, type Fit, type Occurrence } from './cadence.ts';
import { isMonthEnd, type CalendarDay } from './day-numbers.ts';
import type { Cadence } from './types.ts';

/**
 * Which schedules a run of charges could keep to, fitted and ranked per cadence: a few anchors
 * per cadence are chosen by a cheap score over the charges' days, and only those are fitted in
 * full, so a history of a thousand purchases is not fitted every way it could be.
 */

/** Candidate anchors fitted in full per month-based cadence (the rest are ranked out by a cheap score). */
const candidatesKept = 3;

export type FitOptions = {
  /** Fit this cadence only. */
  only?: Cadence;
  /**
   * Share of consecutive charges that must lie about a slot apart before a cadence is fitted:
   * within 10 % of a slot, 4 days at least (two charges 2 days off), 3 more for months' lengths.
   */
  steadyShare?: number;
};

/**
 * The fits of each cadence the charges (in date order) could have, one list per cadence, best
 * first (the best may still fail a stream's tests where the next passes). A cadence is skipped
 * when there are more than two charges per slot over their span (frequent purchases are no
 * stream of it), or when too few consecutive charges lie about a slot apart: that keeps a
 * history of a thousand purchases from being fitted seven ways.
 */
export function fitsByCadence(charges: readonly Occurrence[], options: FitOptions = {}): Fit[][] {
  const first = charges[0];
  const last = charges[charges.length - 1];
  if (first === undefined || last === undefined || charges.length < 2) return [];
  const fits: Fit[][] = [];
  for (const cadence of options.only === undefined ? cadences : [options.only]) {
    const slotsSpanned = (last.day - first.day) / cadenceRules[cadence].meanDays + 1;
    if (charges.length > 2 * slotsSpanned + 2 || !hasSlotIntervals(charges, cadence, options.steadyShare ?? 0)) continue;
    const candidates = candidateSchedules(charges, cadence)
      .map((schedule) => fitSchedule(charges, schedule))
      .filter((fit) => fit.members.length >= 2)
      .sort(compareFits);
    if (candidates.length > 0) fits.push(candidates);
  }
  return fits;
}

/** The best fit of one cadence, if the charges could have it. */
export function bestFitOf(charges: readonly Occurrence[], cadence: Cadence): Fit | undefined {
  return fitsByCadence(charges, { only: cadence })[0]?.[0];
}

/**
 * Whether enough consecutive charges are about one slot apart for a stream of `cadence` to be
 * there: a few within the cadence's windows, and `share` of them within 10 % of a slot.
 */
function hasSlotIntervals(dates: readonly CalendarDay[], cadence: Cadence, share: number): boolean {
  const rule = cadenceRules[cadence];
  const spread = rule.early + rule.late + 2;
  // Months of 28–31 days move month-based slots by up to 3 days more.
  const steady = Math.max(4, Math.round(rule.meanDays / 10)) + (daysPerSlot[cadence] === undefined ? 3 : 0);
  let [within, close] = [0, 0];
  for (let index = 1; index < dates.length; index++) {
    const off = Math.abs((dates[index] as CalendarDay).day - (dates[index - 1] as CalendarDay).day - rule.meanDays);
    if (off <= spread) within++;
    if (off <= steady) close++;
  }
  return within >= Math.max(1, Math.ceil((rule.minCount - 1) / 2)) && close >= share * (dates.length - 1);
}

function candidateSchedules(dates: readonly CalendarDay[], cadence: Cadence): Schedule[] {
  const rule = cadenceRules[cadence];
  const days = daysPerSlot[cadence];
  if (days !== undefined) return nearestAnchors(dates, days, rule).map((anchor) => everyDays(cadence, days, anchor));
  const step = monthsPerSlot[cadence];
  if (step === undefined) return semiMonthlyCandidates(dates, rule);
  const ranked = rankedPositions(dates, (d) => (d.month % step) * 31 + d.dayOfMonth - 1, 31 * step, rule, candidatesKept);
  const monthEnd = dates.find((d) => isMonthEnd(d) && d.dayOfMonth < 31);
  // Billed on the 31st shows as the 30th or the 28th in short months: the 31st itself is a candidate.
  if (monthEnd !== undefined) ranked.push((monthEnd.month % step) * 31 + 30);
  return ranked.map((position) => everyMonths(cadence, step, Math.floor(position / 31), (position % 31) + 1));
}

/**
 * Weekdays (of one or two weeks) to anchor on: every one that takes in as many charges as the
 * best. A week's window covers six of its seven days, so counts rank little; which anchor keeps
 * two charges out of one slot only the full fit tells (a stream 2 days late one week and 2 days
 * early the next belongs to the day between).
 */
function nearestAnchors(dates: readonly CalendarDay[], period: number, rule: CadenceRule): number[] {
  const counts = new Int32Array(period);
  for (const date of dates) {
    const position = ((date.day % period) + period) % period;
    counts[position] = (counts[position] as number) + 1;
  }
  const half = Math.floor(period / 2);
  const inWindow = Array.from({ length: period }, (_, anchor) => {
    let count = 0;
    counts.forEach((atPosition, position) => {
      const residual = ((position - anchor + period + half) % period) - half;
      if (residual >= -rule.early && residual <= rule.late) count += atPosition;
    });
    return count;
  });
  const best = Math.max(...inWindow);
  return inWindow.flatMap((count, anchor) => (count === best ? [anchor] : []));
}

/**
 * Twice a month: the best days to anchor on, each paired with the best second day 11–19 days
 * after it (the 1st and the 15th, the 15th and the last).
 */
function semiMonthlyCandidates(dates: readonly CalendarDay[], rule: CadenceRule): Schedule[] {
  scorePositions(dates, (d) => d.dayOfMonth - 1, 31, rule);
  const pairs = new Map<string, [number, number]>();
  for (const first of topPositions(31, candidatesKept)) {
    const [second] = topPositions(31, 1, (position) => ((position - first + 31) % 31 >= 11 && (position - first + 31) % 31 <= 19));
    if (second === undefined) continue;
    const pair: [number, number] = first < second ? [first + 1, second + 1] : [second + 1, first + 1];
    pairs.set(pair.join(), pair);
  }
  return [...pairs.values()].map(([a, b]) => twiceMonthly(a, b));
}

/** Shared counting and scoring space (the longest cycle is a year of 31-day months). */
const histogram = new Int32Array(31 * 12);
const scores = new Float64Array(31 * 12);

/**
 * Scores every anchor on a cycle (a day of the month, a day of the year) the way a fit is
 * valued: twice `unexplainedDays` for each charge its window (from `early` before to `late`
 * after) takes in, less the days they lie off it. Every position is scored, not only those with a
 * charge: a charge 2 days late and one 2 days early have their anchor between them. The scores
 * stay in `scores` until the next call.
 */
function scorePositions(dates: readonly CalendarDay[], positionOf: (date: CalendarDay) => number, cycle: number, window: CadenceRule): void {
  for (const date of dates) {
    const position = positionOf(date);
    histogram[position] = (histogram[position] as number) + 1;
  }
  for (let position = 0; position < cycle; position++) {
    let score = 0;
    for (let offset = -window.early; offset <= window.late; offset++) {
      const count = histogram[(position + offset + cycle) % cycle] as number;
      if (count > 0) score += count * (2 * unexplainedDays - offBy(offset));
    }
    scores[position] = score;
  }
  for (const date of dates) histogram[positionOf(date)] = 0;
}

/** The `keep` best-scored positions of the cycle (that `allowed` lets through), best first. */
function topPositions(cycle: number, keep: number, allowed?: (position: number) => boolean): number[] {
  const top: number[] = [];
  for (let position = 0; position < cycle; position++) {
    const score = scores[position] as number;
    if (score <= 0 || (top.length === keep && score <= (scores[top[keep - 1] as number] as number)) || (allowed !== undefined && !allowed(position))) continue;
    let place = top.length;
    while (place > 0 && score > (scores[top[place - 1] as number] as number)) place--;
    top.splice(place, 0, position);
    if (top.length > keep) top.pop();
  }
  return top;
}

function rankedPositions(dates: readonly CalendarDay[], positionOf: (date: CalendarDay) => number, cycle: number, window: CadenceRule, keep: number): number[] {
  scorePositions(dates, positionOf, cycle, window);
  return topPositions(cycle, keep);
}
