// @ts-check
/** Small statistics helpers for the benchmarks (plain JS: `npm run bench` runs on node alone). */

/** @param {number[]} values */
export function median(values) {
  return quantile(values, 0.5);
}

/**
 * Quantile by nearest rank on a sorted copy (p in 0..1).
 * @param {number[]} values
 * @param {number} p
 */
export function quantile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * Median, min and max over runs.
 * @param {number[]} runs
 */
export function summarise(runs) {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: runs.length };
}
