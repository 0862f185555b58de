const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Message ids are uuids; anything else cannot be in the store (and would break a uuid cast). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Splits items into chunks of at most `maxItems`, and (if given) at most `maxWeight` total weight. */
export function chunk<T>(items: readonly T[], maxItems: number, weight?: (item: T) => number, maxWeight = Infinity): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentWeight = 0;
  for (const item of items) {
    const w = weight ? weight(item) : 0;
    if (current.length > 0 && (current.length >= maxItems || currentWeight + w > maxWeight)) {
      chunks.push(current);
      current = [];
      currentWeight = 0;
    }
    current.push(item);
    currentWeight += w;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** An integer within [min, max]; `fallback` for anything not a finite number. */
export function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : Math.min(Math.max(Math.trunc(value), min), max);
}
