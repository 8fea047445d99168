import { bestFitOf } from './cadence-candidates.ts';
import { cadenceRules } from './cadence.ts';
import { firstMemberOf, lastMemberOf, membersOf, type FoundStream } from './recurring-charges.ts';
import { isPlausibleStream } from './recurring-plausibility.ts';

/**
 * A price increase splits a subscription into two amounts: where one stream of them stops and
 * another of the same cadence starts about a slot later at a nearby price, they are one stream.
 */
export function joinPriceSteps(found: readonly FoundStream[]): FoundStream[] {
  const streams = [...found].sort((a, b) => firstDay(a) - firstDay(b));
  for (let i = 0; i < streams.length; i++) {
    for (let j = i + 1; j < streams.length; j++) {
      const joined = joinedAcrossPriceStep(streams[i] as FoundStream, streams[j] as FoundStream);
      if (joined === null) continue;
      streams.splice(j, 1);
      streams[i] = joined;
      // The joined stream ends later: every stream after it is looked at again.
      j = i;
    }
  }
  return streams;
}

/** The two streams as one, when the later one takes over from the earlier at a new price; else null. */
function joinedAcrossPriceStep(earlier: FoundStream, later: FoundStream): FoundStream | null {
  const cadence = earlier.fit.schedule.cadence;
  if (later.fit.schedule.cadence !== cadence) return null;
  const gap = firstDay(later) - lastDay(earlier);
  const rule = cadenceRules[cadence];
  if (gap <= 0 || gap > 1.5 * rule.meanDays + rule.late) return null;
  const ratio = lastMemberOf(later.fit, later.charges).magnitude / lastMemberOf(earlier.fit, earlier.charges).magnitude;
  if (ratio < 0.6 || ratio > 1.7) return null;
  const charges = [...membersOf(earlier), ...membersOf(later)];
  const fit = bestFitOf(charges, cadence);
  return fit !== undefined && fit.members.length === charges.length && isPlausibleStream(fit, charges, { kind: 'history' }) ? { charges, fit } : null;
}

const firstDay = (stream: FoundStream) => firstMemberOf(stream.fit, stream.charges).day;
const lastDay = (stream: FoundStream) => lastMemberOf(stream.fit, stream.charges).day;
