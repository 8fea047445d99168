/**
 * What a user's insights cost to compute, kept while their ledger stands: each value remembers
 * the ledger revision (migration 0015) it was computed at, and a read at another revision misses.
 * Least recently used values go first once `capacity` are held.
 */
export class RevisionCache<Value> {
  readonly #values = new Map<string, { revision: number; value: Value }>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: string, revision: number): Value | undefined {
    const held = this.#values.get(key);
    if (!held) return undefined;
    this.#values.delete(key);
    if (held.revision !== revision) return undefined;
    this.#values.set(key, held);
    return held.value;
  }

  set(key: string, revision: number, value: Value): void {
    this.#values.delete(key);
    if (this.#values.size >= this.#capacity) this.#values.delete(this.#values.keys().next().value!);
    this.#values.set(key, { revision, value });
  }

  /** Drops every value whose key starts with `prefix` (a user's, when they leave). */
  forget(prefix: string): void {
    for (const key of this.#values.keys()) if (key.startsWith(prefix)) this.#values.delete(key);
  }
}

/** Computes a value unless the cache holds it at this revision. */
export async function cached<Value>(cache: RevisionCache<Value>, key: string, revision: number, compute: () => Promise<Value>): Promise<Value> {
  const held = cache.get(key, revision);
  if (held !== undefined) return held;
  const value = await compute();
  cache.set(key, revision, value);
  return value;
}
