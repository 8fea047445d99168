// The augurs WASM models (AutoETS, MSTL), instantiated once, synchronously, from the bytes the
// package ships: its async `init` fetches the .wasm by URL, which fails offline and in Node.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AutoETS, initSync as initEts } from '@bsull/augurs/ets';
import { MSTL, initSync as initMstl } from '@bsull/augurs/mstl';

const require = createRequire(import.meta.url);

/** The `_bg.wasm` beside a sub-package's entry file (the package's exports map does not list the .wasm files). */
function wasmBytes(subpackage: 'ets' | 'mstl'): Buffer {
  return readFileSync(require.resolve(`@bsull/augurs/${subpackage}`).replace(/\.js$/, '_bg.wasm'));
}

let loaded = false;

function ensureLoaded(): void {
  if (loaded) return;
  initEts({ module: wasmBytes('ets') });
  initMstl({ module: wasmBytes('mstl') });
  loaded = true;
}

export type Interval = { lower: number[]; upper: number[] };
/** A model's point forecast and, per requested level (0.8, 0.95 …), its prediction interval. */
export type ModelForecast = { mean: number[]; intervals: Map<number, Interval> };

type Model = {
  fit(y: number[]): void;
  predict(horizon: number, level?: number | null): { point: number[]; intervals: Interval | undefined };
  free(): void;
};

/** Fits, predicts (one call per interval level: augurs returns one level at a time) and frees the WASM object. */
function fitAndPredict(model: Model, y: readonly number[], horizon: number, levels: readonly number[]): ModelForecast {
  try {
    model.fit([...y]);
    const intervals = new Map<number, Interval>();
    let mean: number[] | null = null;
    for (const level of levels) {
      const forecast = model.predict(horizon, level);
      mean ??= forecast.point;
      if (forecast.intervals) intervals.set(level, { lower: forecast.intervals.lower, upper: forecast.intervals.upper });
    }
    return { mean: mean ?? model.predict(horizon, null).point, intervals };
  } finally {
    model.free();
  }
}

/**
 * Non-seasonal AutoETS: additive errors, trend chosen by AICc (none, additive, damped). Additive
 * errors because the series hold zeros (multiplicative ones need positive data); augurs needs at
 * least 7 values and throws below.
 */
export function autoEtsForecast(y: readonly number[], horizon: number, levels: readonly number[] = []): ModelForecast {
  ensureLoaded();
  return fitAndPredict(new AutoETS(1, 'AZN'), y, horizon, levels);
}

/** MSTL with a yearly period, its deseasonalised trend forecast by AutoETS; needs two full years (throws below). */
export function mstlForecast(y: readonly number[], horizon: number, levels: readonly number[] = []): ModelForecast {
  ensureLoaded();
  return fitAndPredict(MSTL.ets([12]), y, horizon, levels);
}
