/**
 * Which colour scale `auto` means for a map of f or g, and the one kind a run's f and g maps share.
 * Pure; read by the webviews' heatmaps (webview/shared/valueScale.ts, webview/charts/heat.ts) and
 * by the host, which sends the side panel the shared kind instead of f's grid (viewModel.ts).
 *
 * `auto` is log when the lower tenth of the map would get under 1% of the linear colour range
 * (u at the 10% quantile < U / 100, u = v − min, U = the 98% quantile − min: the map spans decades
 * and its low part, where the minima are, would read as one colour), else linear.
 */

/** The fraction of the top the linear and log scales clip. */
export const SCALE_CLIP = 0.02;

/** The value at the top of sorted finite values once the top `clip` fraction is dropped (`robustExtent`'s upper end). */
export function clippedTop(sorted: readonly number[], clip: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((1 - clip) * (sorted.length - 1))))]!;
}

/** The q quantile of sorted finite values, nearest rank (`quantileExtent`'s ends). */
function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1))))]!;
}

/**
 * Extent for colouring: drops the top `clip` fraction so one huge value (a landscape that
 * explodes at the domain corner) does not wash the whole map into one colour.
 */
export function robustExtent(values: readonly number[], clip = 0.01): [number, number] | undefined {
  const finite = finiteSorted(values);
  if (finite.length === 0) return undefined;
  return [finite[0]!, clippedTop(finite, clip)];
}

/** [q_lo, q_hi] quantiles of the finite values (nearest rank), or undefined when there are none. */
export function quantileExtent(values: readonly number[], lo = 0.01, hi = 0.99): [number, number] | undefined {
  const finite = finiteSorted(values);
  if (finite.length === 0) return undefined;
  return [nearestRank(finite, lo), nearestRank(finite, hi)];
}

/** The finite values, sorted (a copy). */
export function finiteSorted(values: Iterable<number>): number[] {
  const out: number[] = [];
  for (const v of values) if (Number.isFinite(v)) out.push(v);
  return out.sort((a, b) => a - b);
}

/** Which scale `auto` means for these values (see the file's comment). */
export function autoScale(values: Iterable<number>): 'linear' | 'log' {
  return autoScaleOfSorted(finiteSorted(values));
}

/** `autoScale` of values already finite and sorted (`finiteSorted`). */
export function autoScaleOfSorted(sorted: readonly number[]): 'linear' | 'log' {
  if (sorted.length < 2) return 'linear';
  const lo = sorted[0]!;
  // Read off the sorted values (robustExtent's and quantileExtent's ranks, without sorting again).
  const top = clippedTop(sorted, SCALE_CLIP) - lo;
  const tenth = nearestRank(sorted, 0.1) - lo;
  return top > 0 && tenth < top / 100 ? 'log' : 'linear';
}

/**
 * The one kind every map of f and g of a run takes under `auto`, from each map's own `auto` kind:
 * log when any is (smoothing narrows g's range, and f on log beside g on linear would read as two
 * different functions), else linear.
 */
export function sharedAutoScale(kinds: Iterable<string>): 'linear' | 'log' {
  for (const k of kinds) if (k === 'log') return 'log';
  return 'linear';
}

/** `sharedAutoScale` over a landscape's f and every g (grids as the result holds them: rows, or one row in 1-D). */
export function landscapeAutoScale(landscape: {
  f: number[] | number[][];
  smoothed: ReadonlyArray<{ values: number[] | number[][] }>;
}): 'linear' | 'log' {
  const flat = (g: number[] | number[][]): number[] => (g as Array<number | number[]>).flat();
  return sharedAutoScale([landscape.f, ...landscape.smoothed.map((s) => s.values)].map((g) => autoScale(flat(g))));
}
