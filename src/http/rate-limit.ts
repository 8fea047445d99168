import type { RateLimitPolicy } from './rate-limit-policies.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

export type RateLimitDecision = {
  policy: RateLimitPolicy;
  allowed: boolean;
  /** Requests left in the window, as far as this process knows. */
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
};

/** This process's share of one subject's window: requests claimed in the store, not yet spent. */
type Lease = { window: number; left: number; remainingElsewhere: number; spent: boolean; claiming?: Promise<void> };

/** Leases of subjects idle for a whole window are dropped past this many (a flood of addresses). */
const maxLeases = 50_000;
const sweepEveryMs = 60_000;

/**
 * How many requests a process claims at a time: a fiftieth of the quota, 1 to 20. A user's
 * 600/min budget then costs one round trip per 12 requests, and no process holds more than a
 * small slice. The store never grants past the quota, so processes together never admit more
 * than it; what a process claimed and did not spend by the window's end is lost (at most
 * lease − 1 per process and window).
 */
export function leaseSize(policy: RateLimitPolicy): number {
  return Math.min(20, Math.max(1, Math.floor(policy.quota / 50)));
}

/**
 * Fixed-window request budgets shared by every process through the store. The common case
 * spends from an in-memory lease with no round trip; concurrent requests that find it empty wait
 * for one claim between them. A window known to be spent answers from memory until it resets.
 */
export class RateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly store: RateLimitStore;
  private readonly now: () => number;
  private lastSweepAt: number;

  constructor(store: RateLimitStore, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
    this.lastSweepAt = now();
  }

  async take(policy: RateLimitPolicy, subject: string): Promise<RateLimitDecision> {
    const windowMs = policy.windowSeconds * 1000;
    const nowMs = this.now();
    const window = Math.floor(nowMs / windowMs);
    const endsAt = (window + 1) * windowMs;
    const resetSeconds = Math.max(1, Math.ceil((endsAt - nowMs) / 1000));
    const lease = this.leaseFor(`${policy.bucket}:${subject}`, window, policy.quota);
    while (lease.left === 0 && !lease.spent) {
      lease.claiming ??= this.claim(`${policy.bucket}:${subject}`, lease, policy, endsAt).finally(() => {
        lease.claiming = undefined;
      });
      await lease.claiming;
    }
    if (lease.left === 0) return { policy, allowed: false, remaining: 0, resetSeconds };
    lease.left -= 1;
    return { policy, allowed: true, remaining: lease.remainingElsewhere + lease.left, resetSeconds };
  }

  private leaseFor(key: string, window: number, quota: number): Lease {
    const existing = this.leases.get(key);
    if (existing && existing.window === window) return existing;
    if (existing) this.leases.delete(key);
    const lease: Lease = { window, left: 0, remainingElsewhere: quota, spent: false };
    this.leases.set(key, lease);
    if (this.leases.size > maxLeases) {
      // Maps iterate oldest first: the subjects least recently given a fresh window go.
      for (const stale of [...this.leases.keys()].slice(0, maxLeases / 10)) this.leases.delete(stale);
    }
    return lease;
  }

  private async claim(key: string, lease: Lease, policy: RateLimitPolicy, endsAt: number): Promise<void> {
    const size = leaseSize(policy);
    const total = await this.store.claim(key, lease.window, size, new Date(endsAt));
    const granted = Math.max(0, Math.min(size, policy.quota - (total - size)));
    lease.left += granted;
    lease.remainingElsewhere = Math.max(0, policy.quota - total);
    if (granted < size) lease.spent = true;
    this.sweepNowAndThen();
  }

  /**
   * Ended windows are deleted by whichever process claims a minute after its last sweep. Best
   * effort: the answer never waits for it, and a failed sweep is retried a minute later.
   */
  private sweepNowAndThen(): void {
    if (this.now() - this.lastSweepAt < sweepEveryMs) return;
    this.lastSweepAt = this.now();
    this.store.sweep().catch(() => undefined);
  }
}
