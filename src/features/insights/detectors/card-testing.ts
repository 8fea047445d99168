// A burst of tiny charges at merchants new to the user, the way a stolen card is tested before it
// is used, and the larger charge that often follows. Judging a charge may look up to 2 days ahead
// (the rest of its burst), never further.
import type { Charge, CurrencyContext, Finding, UserLevels } from './charge.ts';
import { shortDate } from './wording.ts';

export const cardTestingSettings = {
  minBurst: 3,
  /** The burst's charges lie within this many days of each other; so does the follow-up after it. */
  burstDays: 2,
  /** "Tiny": at most this share of the user's median outflow, and never less than the floor below. */
  tinyShareOfMedian: 0.07,
} as const;

/**
 * The floor of "tiny", in minor units: 2 major units of a currency with cents ($2.00, €2.00) or
 * dinars with fils (2.000); 200 units of one without (¥200), since every ISO currency without a
 * minor unit is worth less than a cent.
 */
const tinyFloor = (exponent: number): number => 2 * 10 ** Math.max(2, exponent);

/**
 * An outflow at a merchant first seen at most a few days before it. `large`: above the user's
 * 95th percentile, what a follow-up at yet another new merchant must be to count.
 */
export type YoungCharge = { charge: Charge; tinyLimit: number; firstSeenDay: number; large: boolean };

export function tinyLimitOf(levels: UserLevels, context: CurrencyContext): number {
  const floor = tinyFloor(context.exponent);
  return Number.isNaN(levels.median) ? floor : Math.max(floor, cardTestingSettings.tinyShareOfMedian * levels.median);
}

const isTiny = (young: YoungCharge) =>
  young.charge.magnitude <= young.tinyLimit && young.firstSeenDay >= young.charge.day - cardTestingSettings.burstDays;

/**
 * For each tiny charge, the busiest `burstDays` span around it that holds it (most charges, the
 * earliest on a tie), when that span has at least `minBurst`: its burst. A span starts at most
 * `burstDays` before the charge, so judging it never looks further ahead than that.
 */
function burstsOf(tiny: readonly YoungCharge[]): Map<number, YoungCharge[]> {
  const bursts = new Map<number, YoungCharge[]>();
  let from = 0;
  for (const [i, young] of tiny.entries()) {
    const day = young.charge.day;
    while (day - (tiny[from] as YoungCharge).charge.day > cardTestingSettings.burstDays) from++;
    let best: YoungCharge[] = [];
    for (let start = from; start <= i; start++) {
      const startDay = (tiny[start] as YoungCharge).charge.day;
      if (start > from && startDay === (tiny[start - 1] as YoungCharge).charge.day) continue;
      const span: YoungCharge[] = [];
      for (let j = start; j < tiny.length && (tiny[j] as YoungCharge).charge.day - startDay <= cardTestingSettings.burstDays; j++) span.push(tiny[j] as YoungCharge);
      if (span.length > best.length) best = span;
    }
    if (best.length >= cardTestingSettings.minBurst) bursts.set(young.charge.index, best);
  }
  return bursts;
}

/** 1.99 → 2, 0.5 → 1, 150 → 200, in major units: the round figure every charge was under. */
function roundCeiling(minor: number, unit: number): number {
  for (let step = unit; ; step *= 10) {
    for (const factor of [1, 2, 5]) if (factor * step > minor) return factor * step;
  }
}

function describeBurst(burst: readonly YoungCharge[], context: CurrencyContext): { where: string; when: string; under: string } {
  const names = [...new Set(burst.map((young) => young.charge.name))];
  const first = burst[0]?.charge.entry.date ?? '';
  const last = burst[burst.length - 1]?.charge.entry.date ?? '';
  const largest = Math.max(...burst.map((young) => young.charge.magnitude));
  return {
    where: names.length === 1 ? `${names[0]}, a merchant new to you,` : `${names.length} merchants new to you (${names.join(', ')})`,
    when: first === last ? `on ${shortDate(first)}` : `within ${cardTestingSettings.burstDays} days (${shortDate(first)}–${shortDate(last)})`,
    under: context.money(roundCeiling(largest, context.unit)),
  };
}

/** Whether a larger charge belongs to `burst`: after its start, within `burstDays` of its end, at one of its merchants or (when large) another new one. */
function followsBurst(candidate: YoungCharge, burst: readonly YoungCharge[]): boolean {
  const first = burst[0]?.charge;
  const last = burst[burst.length - 1]?.charge;
  const { charge, tinyLimit, firstSeenDay, large } = candidate;
  if (first === undefined || last === undefined || charge.magnitude <= tinyLimit || charge.index < first.index) return false;
  if (charge.day > last.day + cardTestingSettings.burstDays) return false;
  return burst.some((member) => member.charge.merchantKey === charge.merchantKey) || (large && firstSeenDay >= first.day);
}

function burstText(burst: readonly YoungCharge[], context: CurrencyContext): string {
  const { where, when, under } = describeBurst(burst, context);
  return `${burst.length} charges under ${under} at ${where} ${when}`;
}

/**
 * Findings by charge index: every tiny charge in a burst, and each larger charge that follows a
 * burst (judged against the bursts of the tiny charges before it, so never more than 2 days ahead).
 */
export function cardTestingFindings(young: readonly YoungCharge[], context: CurrencyContext): Map<number, Finding> {
  const findings = new Map<number, Finding>();
  const tiny = young.filter(isTiny);
  const bursts = burstsOf(tiny);
  for (const [index, burst] of bursts) {
    findings.set(index, { kind: 'card_testing', score: 0.95, reason: `${burstText(burst, context)}: the pattern of a card being tested`, expected: null });
  }
  let latest: YoungCharge[] | undefined;
  let next = 0;
  for (const candidate of young) {
    while (next < tiny.length && (tiny[next] as YoungCharge).charge.index < candidate.charge.index) latest = bursts.get((tiny[next++] as YoungCharge).charge.index) ?? latest;
    if (findings.has(candidate.charge.index) || latest === undefined || !followsBurst(candidate, latest)) continue;
    findings.set(candidate.charge.index, {
      kind: 'card_testing',
      score: 0.93,
      reason: `${context.money(candidate.charge.magnitude)} at ${candidate.charge.name} right after ${burstText(latest, context)}: a tested card being used`,
      expected: null,
    });
  }
  return findings;
}
