/**
 * The d > 2 plane through x* (diagnostics.plane) in words: which two directions span it, how much
 * of the paths lies in it, and c(y) on it under each smoothing. Used by the panel and the CLI.
 */
import type { PlaneSmoothing, SlicePlane } from '../engine/types';
import { formatNumber } from './format';

/** The two directions, named: "the top two eigenvectors of the gradient-noise covariance C(x*) (λ₁ = …, λ₂ = …)". */
export function planeDirectionsText(p: SlicePlane): string {
  if (p.source === 'noise-eigenvectors') {
    const [l1, l2] = p.eigenvalues ?? [NaN, NaN];
    return `the top two eigenvectors u, v of the gradient-noise covariance C(x*) (λ₁ = ${formatNumber(l1)}, λ₂ = ${formatNumber(l2)}: the directions the minibatch kicks are largest in)`;
  }
  if (p.source === 'configured') return 'u, v the first two sliceDirections of the settings';
  const norm = Math.hypot(...p.directions[0]);
  return `two seeded random directions u, v, filter-normalised as Li et al. (NeurIPS 2018) do, with the whole parameter vector as one filter (each of norm ${formatNumber(norm)} = ‖x*‖${norm === 1 ? ', 1 as x* = 0' : ''})`;
}

/** One smoothing's name on the plane: "g under N(0, η²C(x*))", "g (uniform radius 0.3)". */
export function planeSmoothingName(s: PlaneSmoothing): string {
  if (s.kind === 'measured') return 'the measured noise N(0, η²C(x*))';
  if (s.kind === 'isotropic') return `the isotropic N(0, σ²I) of the same trace (σ = ${formatNumber(s.radius)})`;
  return `${s.noise} noise of radius ${formatNumber(s.radius)}`;
}

/**
 * "Plane through x* (d = 17): x* + αu + βv with u, v …; the sampled paths lie 62% off it (median
 * share of ‖x − x*‖). On it, inf c over the start box: 0.12 under …, …"
 */
export function planeText(p: SlicePlane): string {
  const parts = [
    `Plane through x* (d = ${p.origin.length}): x* + αu + βv with ${planeDirectionsText(p)}; ${p.alpha.length} × ${p.beta.length} points, g from ${p.samples} Monte-Carlo kicks each.`,
  ];
  if (Number.isFinite(p.offPlane)) {
    parts.push(
      `The projected paths and finals keep ${formatNumber(100 * Math.sqrt(Math.max(0, 1 - p.offPlane * p.offPlane)))}% of ‖x − x*‖ in the plane (median: ${formatNumber(100 * p.offPlane)}% of it lies off the plane).`,
    );
  }
  if (p.modelFinals) {
    // The grid is the sgd method's: a model trial's final may lie outside it (not drawn; counted here).
    const [a0, a1, b0, b1] = [p.alpha[0], p.alpha[p.alpha.length - 1], p.beta[0], p.beta[p.beta.length - 1]];
    const finite = [...p.modelFinals.anisotropic, ...p.modelFinals.isotropic].filter((q) => q.every(Number.isFinite));
    const outside = finite.filter(([a, b]) => a < a0 || a > a1 || b < b0 || b > b1).length;
    parts.push(
      `The finals of the model trials (the same stages with Gaussian kicks N(0, η²C(x*)) or N(0, σ²I) of the same trace in place of the batches) are projected onto it too${outside ? ` (${outside} of ${finite.length} lie outside the grid and are not drawn)` : ''}.`,
    );
  }
  const cs = p.smoothed
    .filter((s) => Number.isFinite(s.c))
    .map((s) => `${formatNumber(s.c)} under ${planeSmoothingName(s)} (${formatNumber(100 * s.positiveFraction)}% positive)`);
  const over = p.region === 'grid' ? 'the whole grid (no point of the plane lies in the start box)' : 'the start box';
  if (cs.length) parts.push(`On it, inf c(y) over ${over}: ${cs.join('; ')}.`);
  return parts.join(' ');
}
