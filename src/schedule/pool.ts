/**
 * Runs `worker` over `items`, at most `limit` at a time, starting the next item the moment a slot frees.
 * Once `signal` aborts no new item starts; those left get `skipped(item)`. Results keep the items' order.
 */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<R>,
  skipped: (item: T) => R,
  signal: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      results[index] = signal.aborted ? skipped(item) : await worker(item);
    }
  }
  const lanes = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
