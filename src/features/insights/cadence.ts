import type { Schedule } from './cadence-schedules.ts';
import type { CalendarDay } from './day-numbers.ts';
import type { Cadence } from './types.ts';

/**
 * The rules of each cadence, and how well one schedule of nominal dates (cadence-schedules.ts)
 * fits a run of charge dates: which charges it takes in, what it leaves unexplained, and which
 * of two fits is the better.
 */

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
 * counts (the latest of equals): the rest is left for another stream.
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
  // A lone charge two slots or more before (after) the run is something else: a one-off, a device bought.
  while (bestTo - bestFrom > 2 && (slots[bestFrom + 1] as number) - (slots[bestFrom] as number) > 2) bestFrom++;
  while (bestTo - bestFrom > 2 && (slots[bestTo - 1] as number) - (slots[bestTo - 2] as number) > 2) bestTo--;
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
export const offBy = (residual: number) => (residual < 0 ? -earlyWeight * residual : residual);
const costOf = (residuals: readonly number[]) => residuals.reduce((sum, residual) => sum + offBy(residual), 0);

/** Days of residual a charge off schedule, or a slot without a charge, weighs as. */
export const unexplainedDays = 4;

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
