// The running statistics the detectors share. Each is bounded, so one pass over a heavy user's
// history stays near O(n): no detector re-sorts the history for each transaction.

// Math's functions bound once: where the code runs in a vm context (jest), every global lookup is slow.
const { abs, ceil, exp, floor, log, max, min } = Math;

/** 1.4826 × MAD estimates the standard deviation of normal data (1 / 0.6745). */
export const madToSigma = 1.4826;
/** 1.2533 × the mean absolute deviation does the same (√(π/2)). */
export const meanDeviationToSigma = 1.2533;

const beyond = Number.POSITIVE_INFINITY;

export const logistic = (x: number): number => 1 / (1 + exp(-x));

/** The first index in `sorted[0, size)` whose value is >= `value` (strictly > with `after`). */
function searchSorted(sorted: Float64Array, size: number, value: number, after: boolean): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const item = sorted[middle] as number;
    if (item < value || (after && item === value)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The last `capacity` values, in arrival order (a ring) and sorted side by side: adding one moves
 * at most `capacity` numbers, and median, quantiles and MAD are read without sorting.
 */
export class SortedWindow {
  readonly #arrivals: Float64Array;
  readonly #sorted: Float64Array;
  #oldest = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#arrivals = new Float64Array(capacity);
    this.#sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  add(value: number): void {
    const capacity = this.#arrivals.length;
    const sorted = this.#sorted;
    let size = this.#size;
    // Plain loops: for windows this small they beat copyWithin's call overhead.
    if (size === capacity) {
      const evicted = searchSorted(sorted, size, this.#arrivals[this.#oldest] as number, false);
      for (let i = evicted; i < size - 1; i++) sorted[i] = sorted[i + 1] as number;
      this.#arrivals[this.#oldest] = value;
      this.#oldest = (this.#oldest + 1) % capacity;
      size--;
    } else {
      this.#arrivals[(this.#oldest + size) % capacity] = value;
    }
    let at = size;
    while (at > 0 && (sorted[at - 1] as number) > value) {
      sorted[at] = sorted[at - 1] as number;
      at--;
    }
    sorted[at] = value;
    this.#size = size + 1;
  }

  /** Linear interpolation between the order statistics (the R-7 rule); NaN when empty. */
  quantile(q: number): number {
    if (this.#size === 0) return NaN;
    const position = (this.#size - 1) * q;
    const below = floor(position);
    const low = this.#sorted[below] as number;
    const high = this.#sorted[min(below + 1, this.#size - 1)] as number;
    return low + (high - low) * (position - below);
  }

  median(): number {
    return this.quantile(0.5);
  }

  max(): number {
    return this.#size === 0 ? NaN : (this.#sorted[this.#size - 1] as number);
  }

  countEqual(value: number): number {
    return searchSorted(this.#sorted, this.#size, value, true) - searchSorted(this.#sorted, this.#size, value, false);
  }

  /** The mean absolute deviation from `center`: what is left when more than half the values are equal (MAD 0). */
  meanDeviation(center: number): number {
    let sum = 0;
    for (let i = 0; i < this.#size; i++) sum += abs((this.#sorted[i] as number) - center);
    return this.#size === 0 ? NaN : sum / this.#size;
  }

  /**
   * The median absolute deviation from `center` (unscaled). The deviations left and right of the
   * center are each already sorted, so merging them up to the middle finds it in O(size).
   */
  mad(center: number): number {
    const size = this.#size;
    if (size === 0) return NaN;
    const sorted = this.#sorted;
    let left = searchSorted(sorted, size, center, false) - 1;
    let right = left + 1;
    let previous = 0;
    let current = 0;
    for (let rank = 0; rank <= size >>> 1; rank++) {
      const fromLeft = left >= 0 ? center - (sorted[left] as number) : beyond;
      const fromRight = right < size ? (sorted[right] as number) - center : beyond;
      previous = current;
      if (fromLeft <= fromRight) {
        current = fromLeft;
        left--;
      } else {
        current = fromRight;
        right++;
      }
    }
    return size % 2 === 1 ? current : (previous + current) / 2;
  }
}

/**
 * Magnitudes of the last `windowDays` days as a histogram of their logarithms (bins 2 % wide):
 * O(1) to add or expire one, O(bins) to read quantiles, which the caller does once a day.
 */
export class RecentMagnitudes {
  static readonly binWidth = 0.02;
  readonly #windowDays: number;
  readonly #bins = new Int32Array(ceil(log(Number.MAX_SAFE_INTEGER) / RecentMagnitudes.binWidth) + 1);
  readonly #days: number[] = [];
  readonly #binOf: number[] = [];
  #head = 0;
  #count = 0;

  constructor(windowDays: number) {
    this.#windowDays = windowDays;
  }

  get count(): number {
    return this.#count;
  }

  add(day: number, magnitude: number): void {
    const bin = floor(log(max(1, magnitude)) / RecentMagnitudes.binWidth);
    this.#bins[bin]!++;
    this.#days.push(day);
    this.#binOf.push(bin);
    this.#count++;
  }

  /** Forgets what is older than the window as seen from `today`. */
  expire(today: number): void {
    while (this.#head < this.#days.length && (this.#days[this.#head] as number) <= today - this.#windowDays) {
      this.#bins[this.#binOf[this.#head] as number]!--;
      this.#head++;
      this.#count--;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#days.length) {
      this.#days.splice(0, this.#head);
      this.#binOf.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** The magnitudes at each of `qs` (ascending), each the geometric middle of its bin; NaN when empty. */
  quantiles(qs: readonly number[]): number[] {
    const result = qs.map(() => NaN);
    if (this.#count === 0) return result;
    let next = 0;
    let seen = 0;
    for (let bin = 0; bin < this.#bins.length && next < qs.length; bin++) {
      seen += this.#bins[bin] as number;
      while (next < qs.length && seen > (qs[next] as number) * (this.#count - 1)) {
        result[next] = exp((bin + 0.5) * RecentMagnitudes.binWidth);
        next++;
      }
    }
    return result;
  }
}
