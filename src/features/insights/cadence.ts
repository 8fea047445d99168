import { daysInMonth } from '../budgets/periods.ts';
import type { Cadence } from './types.ts';

/**
 * The calendar maths of recurring streams: each cadence as a schedule of nominal dates
 * ("slots"), and how well a run of charge dates fits one. Dates are day numbers (days since
 * 1970-01-01) and month indexes (year × 12 + month − 1), so fitting a long history parses no
 * strings and builds no Date.
 */

/** A date as the fitting reads it: day number, month index, day of the month. */
export type CalendarDay = { day: number; month: number; dayOfMonth: number };
/** A charge as the fitting reads it: its date and its size (minor units, positive). */
export type Occurrence = CalendarDay & { magnitude: number };

export type CadenceRule = {
  /** Average days between slots: sizes the checks on counts and intervals, and the margin around a run. */
  meanDays: number;
  /** How far before / after its slot a charge may land and still be that slot's (business-day shifts, posting lag). */
  early: number;
  late: number;
  /** Days past the expected date before a stream counts as late. */
  grace: number;
  /** Fewest on-schedule charges that make a stream (long cadences: 2 only with a steady amount). */
  minCount: number;
};

export const cadenceRules: Readonly<Record<Cadence, CadenceRule>> = {
  weekly: { meanDays: 7, early: 2, late: 3, grace: 3, minCount: 4 },
  biweekly: { meanDays: 14, early: 3, late: 3, grace: 4, minCount: 3 },
  semi_monthly: { meanDays: 365.25 / 24, early: 4, late: 4, grace: 4, minCount: 4 },
  monthly: { meanDays: 365.25 / 12, early: 4, late: 5, grace: 6, minCount: 3 },
  quarterly: { meanDays: 365.25 / 4, early: 7, late: 8, grace: 10, minCount: 2 },
  semiannual: { meanDays: 365.25 / 2, early: 10, late: 12, grace: 14, minCount: 2 },
  yearly: { meanDays: 365.25, early: 12, late: 15, grace: 20, minCount: 2 },
};

export const cadences = Object.keys(cadenceRules) as Cadence[];

// Days from civil (Howard Hinnant), inlined here because the fitting calls it per slot in its hot loop.
function civilDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

const digit = (text: string, at: number) => text.charCodeAt(at) - 48;

/** A trusted 'YYYY-MM-DD' (the ledger's own dates) as a calendar day, without a regular expression. */
export function calendarDayOf(date: string): CalendarDay {
  const year = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
  const month = digit(date, 5) * 10 + digit(date, 6);
  const dayOfMonth = digit(date, 8) * 10 + digit(date, 9);
  return { day: civilDay(year, month, dayOfMonth), month: year * 12 + month - 1, dayOfMonth };
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

// Month starts from 1900 to 2199 (the ledger's range), looked up rather than computed per slot.
const tableFirstMonth = 1900 * 12;
const monthStarts = Int32Array.from({ length: 300 * 12 + 1 }, (_, index) => {
  const month = tableFirstMonth + index;
  return civilDay(Math.floor(month / 12), (month % 12) + 1, 1);
});

/** Day `dayOfMonth` of month index `month`, clamped to the month's end (billed on the 31st → 30th, 28th). */
export function monthDay(month: number, dayOfMonth: number): number {
  const index = month - tableFirstMonth;
  if (index >= 0 && index < monthStarts.length - 1) {
    const start = monthStarts[index] as number;
    return start + Math.min(dayOfMonth, (monthStarts[index + 1] as number) - start) - 1;
  }
  const year = Math.floor(month / 12);
  const calendarMonth = month - year * 12 + 1;
  return civilDay(year, calendarMonth, Math.min(dayOfMonth, daysInMonth(year, calendarMonth)));
}

export function isMonthEnd(date: CalendarDay): boolean {
  const year = Math.floor(date.month / 12);
  return date.dayOfMonth === daysInMonth(year, date.month - year * 12 + 1);
}

/** A cadence's nominal dates: slot k's day, and the slot nearest a date. */
export type Schedule = {
  cadence: Cadence;
  slotDay(slot: number): number;
  slotOf(date: CalendarDay): number;
};

/** Every `period` days from `anchor` (weekly, biweekly). */
export function everyDays(cadence: Cadence, period: number, anchor: number): Schedule {
  return {
    cadence,
    slotDay: (slot) => anchor + slot * period,
    slotOf: (date) => Math.round((date.day - anchor) / period),
  };
}

/** Day `dayOfMonth` of every `step`-th month, starting at month index `phase` (monthly … yearly). */
export function everyMonths(cadence: Cadence, step: number, phase: number, dayOfMonth: number): Schedule {
  const slotDay = (slot: number) => monthDay(phase + slot * step, dayOfMonth);
  return { cadence, slotDay, slotOf: (date) => nearestSlot(date.day, Math.floor((date.month - phase) / step), slotDay) };
}

/** Two days of every month (the 1st and 15th, the 15th and the last): slot 2m is month m's first day, 2m + 1 its second. */
export function twiceMonthly(first: number, second: number): Schedule {
  const slotDay = (slot: number) => {
    const month = Math.floor(slot / 2);
    return monthDay(month, slot - month * 2 === 0 ? first : second);
  };
  return {
    cadence: 'semi_monthly',
    slotDay,
    slotOf: (date) => nearestSlot(date.day, 2 * date.month + (date.dayOfMonth >= (first + second) / 2 ? 1 : 0), slotDay),
  };
}

/** From a guess one slot off at most, the slot whose day is nearest `day`. */
function nearestSlot(day: number, guess: number, slotDay: (slot: number) => number): number {
  let slot = guess;
  let distance = day - slotDay(slot);
  const direction = distance < 0 ? -1 : 1;
  for (let step = 0; step < 2 && distance !== 0; step++) {
    const nextDistance = day - slotDay(slot + direction);
    if (Math.abs(nextDistance) >= Math.abs(distance)) break;
    [slot, distance] = [slot + direction, nextDistance];
  }
  return slot;
}

/** How one schedule explains a run of charges. */
export type Fit = {
  schedule: Schedule;
  /** Indexes (into the charges) of the on-schedule charges, one per slot, in date order. */
  members: number[];
  slots: number[];
  /** Each member's day minus its slot's day. */
  residuals: number[];
  /** Charges from a slot before the first member to a slot after the last that are not members (off schedule, a second one in a slot). */
  extras: number;
  /** Charges fitted, members or not. */
  total: number;
  /** Slots between the first and the last member without a charge. */
  misses: number;
  /** Σ |residual|, early ones weighted up (`earlyWeight`). */
  cost: number;
};

/** Consecutive slots a stream may skip before the charges after count as a new run. */
const longestSkip = (cadence: Cadence) => (cadenceRules[cadence].meanDays > 60 ? 1 : 2);

/**
 * The charges on `schedule`, one per slot (the closest when a slot has two). When the members
 * fall into runs separated by more skipped slots than a stream tolerates, only the longest run
 * counts: the rest is left for another stream.
 */
export function fitSchedule(charges: readonly Occurrence[], schedule: Schedule): Fit {
  const rule = cadenceRules[schedule.cadence];
  const members: number[] = [];
  const slots: number[] = [];
  const residuals: number[] = [];
  let runStart = 0;
  let [bestFrom, bestTo] = [0, 0];
  const skip = longestSkip(schedule.cadence);
  for (let index = 0; index < charges.length; index++) {
    const charge = charges[index] as Occurrence;
    const slot = schedule.slotOf(charge);
    const residual = charge.day - schedule.slotDay(slot);
    if (residual < -rule.early || residual > rule.late) continue;
    const last = slots.length - 1;
    if (last >= runStart && slots[last] === slot) {
      if (isCloser(charges, residual, index, residuals[last] as number, members[last] as number, members[last - 1])) [members[last], residuals[last]] = [index, residual];
      continue;
    }
    if (last >= runStart && slot - (slots[last] as number) > skip + 1) runStart = slots.length;
    members.push(index);
    slots.push(slot);
    residuals.push(residual);
    if (slots.length - runStart >= bestTo - bestFrom) [bestFrom, bestTo] = [runStart, slots.length];
  }
  const whole = bestFrom === 0 && bestTo === slots.length;
  const run = whole ? { members, slots, residuals } : { members: members.slice(bestFrom, bestTo), slots: slots.slice(bestFrom, bestTo), residuals: residuals.slice(bestFrom, bestTo) };
  return { schedule, ...run, ...unexplained(charges, run.members, run.slots, rule.meanDays), total: charges.length, cost: costOf(run.residuals) };
}

/**
 * Whether a second charge in a slot explains it better than the member it has: nearer the slot's
 * day, or as near and closer in size to the member before (a yearly fee billed on the day of the
 * monthly dues does not replace them).
 */
function isCloser(charges: readonly Occurrence[], residual: number, index: number, memberResidual: number, member: number, previous: number | undefined): boolean {
  if (Math.abs(residual) !== Math.abs(memberResidual)) return Math.abs(residual) < Math.abs(memberResidual);
  if (previous === undefined) return false;
  const size = (at: number) => (charges[at] as Occurrence).magnitude;
  return Math.abs(size(index) - size(previous)) < Math.abs(size(member) - size(previous));
}

/**
 * Charges and slots a run leaves unexplained. Charges a slot's length before or after the run
 * count too: a run that other charges of the same kind lead into and out of (a haircut every
 * five weeks drifting through a month's windows) is no stream.
 */
function unexplained(charges: readonly CalendarDay[], members: readonly number[], slots: readonly number[], margin: number): { extras: number; misses: number } {
  const count = members.length;
  if (count === 0) return { extras: 0, misses: 0 };
  let from = members[0] as number;
  let to = members[count - 1] as number;
  const earliest = (charges[from] as CalendarDay).day - margin;
  const latest = (charges[to] as CalendarDay).day + margin;
  while (from > 0 && (charges[from - 1] as CalendarDay).day >= earliest) from--;
  while (to < charges.length - 1 && (charges[to + 1] as CalendarDay).day <= latest) to++;
  return { extras: to - from + 1 - count, misses: (slots[count - 1] as number) - (slots[0] as number) + 1 - count };
}

/** A charge shifted off a weekend lands on the next business day more often than on the one before. */
const earlyWeight = 1.25;
const offBy = (residual: number) => (residual < 0 ? -earlyWeight * residual : residual);
const costOf = (residuals: readonly number[]) => residuals.reduce((sum, residual) => sum + offBy(residual), 0);

/** Days of residual a charge off schedule, or a slot without a charge, weighs as. */
const unexplainedDays = 4;

/**
 * Better first: members explained minus charges and slots left unexplained, each worth
 * `unexplainedDays` of residual, less the residuals themselves. So a schedule a day off every
 * charge does not win by taking in one stray purchase, and one that explains all the charges
 * beats a run of some. Twice a month has two days to fit where every other cadence has one: it
 * pays half a day per charge, so a short biweekly run is not read as twice a month.
 */
export function compareFits(a: Fit, b: Fit): number {
  const value = (fit: Fit) =>
    unexplainedDays * (2 * fit.members.length - fit.total - fit.misses) - fit.cost - (fit.schedule.cadence === 'semi_monthly' ? fit.members.length / 2 : 0);
  return value(b) - value(a);
}

const monthsPerSlot: Partial<Record<Cadence, number>> = { monthly: 1, quarterly: 3, semiannual: 6, yearly: 12 };
const daysPerSlot: Partial<Record<Cadence, number>> = { weekly: 7, biweekly: 14 };
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
 * The best fit of each cadence the charges (in date order) could have. A cadence is skipped
 * when there are more than two charges per slot over their span (frequent purchases are no
 * stream of it), or when too few consecutive charges lie about a slot apart: that keeps a
 * history of a thousand purchases from being fitted seven ways.
 */
export function fitsByCadence(charges: readonly Occurrence[], options: FitOptions = {}): Fit[] {
  const first = charges[0];
  const last = charges[charges.length - 1];
  if (first === undefined || last === undefined || charges.length < 2) return [];
  const fits: Fit[] = [];
  for (const cadence of options.only === undefined ? cadences : [options.only]) {
    const slotsSpanned = (last.day - first.day) / cadenceRules[cadence].meanDays + 1;
    if (charges.length > 2 * slotsSpanned + 2 || !hasSlotIntervals(charges, cadence, options.steadyShare ?? 0)) continue;
    let best: Fit | null = null;
    for (const schedule of candidateSchedules(charges, cadence)) {
      const fit = fitSchedule(charges, schedule);
      if (best === null || compareFits(fit, best) < 0) best = fit;
    }
    if (best !== null && best.members.length >= 2) fits.push(best);
  }
  return fits;
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
