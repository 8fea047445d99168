import { dateOfDayNumber } from '../budgets/periods.ts';
import { shiftedOffWeekend, type WeekendShift } from './cadence-schedules.ts';
import { cadenceRules } from './cadence.ts';
import { isWeekend } from './day-numbers.ts';
import { median } from './recurring-amounts.ts';
import { membersOf, type Charge, type FoundStream } from './recurring-charges.ts';
import type { Cadence, RecurringSeries } from './types.ts';

/**
 * A stream found, as the model answers it: its amounts and dates, when it is expected next (moved
 * off a weekend the way it was before), its state at `today`, and the schedule its later dates keep.
 */

/** Recent charges the typical amount is the median of. */
const recentCount = (cadence: Cadence) => (cadenceRules[cadence].meanDays > 60 ? 3 : 6);

export function seriesOfStream(stream: FoundStream, today: number): RecurringSeries {
  const members = membersOf(stream);
  const { fit } = stream;
  const cadence = fit.schedule.cadence;
  const first = members[0] as Charge;
  const last = members[members.length - 1] as Charge;
  const recent = members.slice(-recentCount(cadence)).map((charge) => charge.magnitude);
  const typicalAmount = Math.round(median(recent));
  const lastSlot = fit.slots[fit.slots.length - 1] as number;
  const weekendShift = weekendShiftOf(stream, members);
  const nextDue = fit.schedule.slotDay(lastSlot + 1);
  const next = shiftedOffWeekend(nextDue, weekendShift);
  return {
    merchant: last.entry.merchant ?? (last.entry.merchantKey as string),
    merchantKey: last.entry.merchantKey as string,
    currency: last.entry.currency,
    categoryId: mostCommonCategory(members),
    cadence,
    typicalAmount,
    lastAmount: last.magnitude,
    amountVariation: Math.round((10_000 * Math.max(...recent.map((amount) => Math.abs(amount - typicalAmount)))) / typicalAmount) / 10_000,
    firstDate: first.entry.date,
    lastDate: last.entry.date,
    nextExpectedDate: dateOfDayNumber(next),
    transactionCount: members.length,
    transactionIds: members.map((charge) => charge.entry.id),
    lastTransactionId: last.entry.id,
    direction: last.entry.amount < 0 ? 'outflow' : 'inflow',
    state: streamState(today, next, shiftedOffWeekend(fit.schedule.slotDay(lastSlot + 2), weekendShift), cadenceRules[cadence].grace),
    schedule: { nextDueDate: dateOfDayNumber(nextDue), daysOfMonth: fit.schedule.daysOfMonth, weekendShift },
  };
}

/** Late once the next charge is overdue by more than the cadence's grace; ended once the one after it is too. */
function streamState(today: number, next: number, afterNext: number, grace: number): RecurringSeries['state'] {
  if (today > afterNext + grace) return 'ended';
  return today > next + grace ? 'late' : 'active';
}

/**
 * How the stream moves a slot off a weekend, as its charges were: a stream that never landed on
 * a weekend and was paid before (or after) one will be again. One charge on a weekend, or no slot
 * of the past on one, and nothing says the stream avoids them.
 */
function weekendShiftOf(stream: FoundStream, members: readonly Charge[]): WeekendShift {
  if (members.some((charge) => isWeekend(charge.day))) return 'none';
  const { fit } = stream;
  let earlier = 0;
  let later = 0;
  fit.slots.forEach((slot, index) => {
    if (!isWeekend(fit.schedule.slotDay(slot))) return;
    const residual = fit.residuals[index] as number;
    if (residual < 0) earlier++;
    else if (residual > 0) later++;
  });
  if (earlier + later === 0) return 'none';
  return earlier > later ? 'before' : 'after';
}

/** The category most of the charges have; a tie goes to the most recent of them. */
function mostCommonCategory(charges: readonly Charge[]): string | null {
  const counts = new Map<string | null, number>();
  let best: string | null = null;
  let bestCount = 0;
  for (const charge of charges) {
    const count = (counts.get(charge.entry.categoryId) ?? 0) + 1;
    counts.set(charge.entry.categoryId, count);
    if (count >= bestCount) [best, bestCount] = [charge.entry.categoryId, count];
  }
  return best;
}
