import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { forecastSeries, forecastSpending, type ForecastPoint } from '../src/features/insights/forecast.ts';

/** A steady series with noise that never repeats exactly (deterministic). */
const noisy = (months: number, level: number, spread = 0.15) =>
  Array.from({ length: months }, (_, month) => Math.round(level * (1 + spread * Math.sin(month * 2.399 + 0.7))));

function expectWellFormed(points: readonly ForecastPoint[]): void {
  for (const point of points) {
    const values = [point.lower_95, point.lower_80, point.predicted, point.upper_80, point.upper_95];
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  }
}

describe('forecastSpending', () => {
  it('answers one ordered, integer point per month asked, with a backtest against seasonal naive', () => {
    const forecast = forecastSpending({ history: noisy(36, 40_000), horizon: 6 });
    expect(forecast.points).toHaveLength(6);
    expectWellFormed(forecast.points);
    expect(forecast.method).toBe('weighted_combination');
    expect(forecast.backtest).toEqual({ mase: expect.any(Number), baseline: 'seasonal_naive', origins: 6 });
    expect(forecast.note).toBeNull();
    for (const point of forecast.points) {
      expect(point.predicted).toBeGreaterThan(30_000);
      expect(point.predicted).toBeLessThan(50_000);
      expect(point.upper_95).toBeGreaterThan(point.lower_95);
    }
  });

  it('gives a mean month above the typical one for a lumpy series (trips in a few months)', () => {
    const trips = new Set([2, 7, 9, 15, 20, 26, 31]);
    const history = Array.from({ length: 34 }, (_, month) => (trips.has(month) ? 90_000 + 1_000 * month : 0));
    const forecast = forecastSpending({ history, horizon: 3 });
    expectWellFormed(forecast.points);
    expect(forecast.note).toBe('spending in only 2 of the last 12 months: lumpy, so the intervals are wide');
    forecast.expected.forEach((mean, step) => {
      expect(Number.isInteger(mean)).toBe(true);
      expect(mean).toBeGreaterThan(forecast.points[step]?.predicted ?? 0);
      // Seven trips in 34 months: about 20 000 a month on average.
      expect(mean).toBeGreaterThan(8_000);
      expect(mean).toBeLessThan(45_000);
    });
  });

  it('forecasts zeros, with a note, from an empty or all-zero history', () => {
    for (const history of [[], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]) {
      const forecast = forecastSpending({ history, horizon: 3 });
      expect(forecast.method).toBe('none');
      expect(forecast.points).toEqual(Array.from({ length: 3 }, () => ({ predicted: 0, lower_80: 0, upper_80: 0, lower_95: 0, upper_95: 0 })));
      expect(forecast.expected).toEqual([0, 0, 0]);
      expect(forecast.note).toMatch(/history/);
    }
  });

  it('uses a trimmed mean under seven months, so one odd month does not set the forecast', () => {
    const forecast = forecastSpending({ history: [10_000, 10_000, 500_000, 10_000, 10_000], horizon: 2 });
    expect(forecast.method).toBe('trimmed_mean');
    expect(forecast.note).toBe('only 5 months of history: a trimmed mean, with wide intervals');
    expect(forecast.points.map((point) => point.predicted)).toEqual([10_000, 10_000]);
    expectWellFormed(forecast.points);
    const [first] = forecast.points;
    expect(first?.upper_95).toBeGreaterThan(15_000);
  });

  it('predicts a yearly bill in the month it falls due', () => {
    // Month 5 of each year carries a 500.00 insurance bill on top of ~20.00 a month.
    const history = noisy(36, 2_000, 0.1).map((amount, month) => (month % 12 === 5 ? amount + 50_000 : amount));
    const forecast = forecastSpending({ history, horizon: 12 });
    const predicted = forecast.points.map((point) => point.predicted);
    const billMonth = predicted.indexOf(Math.max(...predicted));
    expect(billMonth).toBe(41 - 36);
    expect(predicted[billMonth]).toBeGreaterThan(40_000);
    expect(predicted[billMonth]).toBeLessThan(60_000);
    for (const [step, value] of predicted.entries()) if (step !== billMonth) expect(value).toBeLessThan(6_000);
    expectWellFormed(forecast.points);
  });

  it('has no backtest below 13 months of history, and one from 13', () => {
    expect(forecastSpending({ history: noisy(12, 5_000), horizon: 1 }).backtest).toEqual({ mase: null, baseline: 'seasonal_naive', origins: 0 });
    const backtest = forecastSpending({ history: noisy(13, 5_000), horizon: 1 }).backtest;
    expect(backtest.origins).toBe(6);
    expect(backtest.mase).toBeGreaterThan(0);
  });

  it('notes a history too short for yearly patterns', () => {
    expect(forecastSpending({ history: noisy(15, 5_000), horizon: 1 }).note).toMatch(/^only 15 months of history: yearly patterns/);
  });

  it('gives the same answer for the same input', () => {
    const input = { history: noisy(30, 12_345, 0.4), horizon: 12 };
    expect(forecastSpending(input)).toEqual(forecastSpending(input));
  });

  it('never forecasts below zero after refunds outweigh a month', () => {
    const history = noisy(26, 3_000, 0.5).map((amount, month) => (month % 7 === 3 ? -8_000 : amount));
    expectWellFormed(forecastSpending({ history, horizon: 4 }).points);
  });

  it('counts known recurring charges once when their share of the history is given', () => {
    const subscription = 1_500;
    const history = noisy(30, 20_000).map((amount) => amount + subscription);
    const without = forecastSeries({ history, horizon: 3 }).points;
    const known = forecastSeries({
      history,
      horizon: 3,
      known: [subscription, subscription, 0],
      knownHistory: history.map(() => subscription),
    }).points;
    // The cancelled subscription (0 in the third month) comes off; the others stay about the same.
    expect(Math.abs((known[0]?.predicted ?? 0) - (without[0]?.predicted ?? 0))).toBeLessThan(1_000);
    expect((without[2]?.predicted ?? 0) - (known[2]?.predicted ?? 0)).toBeGreaterThan(subscription / 2);
    expectWellFormed(known);
  });

  it('treats known charges without their history as a floor under the forecast', () => {
    const forecast = forecastSeries({ history: noisy(20, 3_000), horizon: 2, known: [90_000, 0] });
    expect(forecast.points[0]?.predicted).toBe(90_000);
    expect(forecast.points[1]?.predicted).toBeLessThan(5_000);
    expectWellFormed(forecast.points);
  });

  it('rejects a horizon outside 1–12 and known amounts of the wrong length', () => {
    expect(() => forecastSpending({ history: [1, 2, 3], horizon: 0 })).toThrow(RangeError);
    expect(() => forecastSpending({ history: [1, 2, 3], horizon: 13 })).toThrow(RangeError);
    expect(() => forecastSpending({ history: [1, 2, 3], horizon: 2, known: [1] })).toThrow(RangeError);
    expect(() => forecastSpending({ history: [1, 2, 3], horizon: 1, known: [1], knownHistory: [1] })).toThrow(RangeError);
  });
});

/** `min`–`max` months of amounts, lengths spread evenly (fast-check's own sizes stay small). */
const monthsOf = (amount: fc.Arbitrary<number>, min: number, max: number) =>
  fc.integer({ min, max }).chain((length) => fc.array(amount, { minLength: length, maxLength: length }));

describe('forecastSpending properties', () => {
  const history = monthsOf(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000 })), 0, 40);

  it('keeps every bound ordered and ≥ 0 for any non-negative history', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 12 }), (months, horizon) => {
        const { points, expected } = forecastSpending({ history: months, horizon });
        expect(points).toHaveLength(horizon);
        expectWellFormed(points);
        expect(expected).toHaveLength(horizon);
        for (const mean of expected) expect(Number.isInteger(mean) && mean >= 0).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('scales the prediction with the history: ten times the spending, ten times the forecast', () => {
    const spending = monthsOf(fc.integer({ min: 100, max: 200_000 }), 1, 40);
    fc.assert(
      fc.property(spending, (months) => {
        const once = forecastSeries({ history: months, horizon: 3 }).points;
        const tenfold = forecastSeries({ history: months.map((amount) => amount * 10), horizon: 3 }).points;
        tenfold.forEach((point, step) => {
          const expected = 10 * (once[step]?.predicted ?? 0);
          // Rounding to minor units (±5 after scaling) and the optimisers' tolerance.
          expect(Math.abs(point.predicted - expected)).toBeLessThanOrEqual(0.02 * expected + 10);
        });
      }),
      { numRuns: 40 },
    );
  });
});
