/**
 * d > 2 without a declared x* (diagnostics.minimaSearch, localMinima.ts) in words: how x* was
 * found and what success counts against. Used by the panel and the CLI.
 */
import type { Diagnostics, MinimaSearch } from '../engine/types';
import { formatNumber } from './format';

/** "within 1.65 of one of the 61 minima at f = 0.231 (±4.54e-4)": where a final must end to succeed. */
export function descentTargetsWhere(d: Pick<Diagnostics, 'targets' | 'successRadius'>, s: MinimaSearch): string {
  const n = d.targets.length;
  const at = `at f = ${formatNumber(s.value, 4)} (±${formatNumber(s.valueTolerance)})`;
  return `within ${formatNumber(d.successRadius)} of ${n === 1 ? 'the minimum' : `one of the ${n} minima`} ${at}`;
}

/**
 * "x* is a local minimum of f found by descent (L-BFGS) from the lowest final (GD, trial 27): … Descent
 * from 139 of the 200 finals reached 96 distinct minima, f from 0.231 to 0.274; the 61 at f(x*) …
 * are the targets …". `methodName` names a method by its index in config.methods.
 */
export function minimaSearchText(d: Pick<Diagnostics, 'targets'>, s: MinimaSearch, methodName: (i: number) => string): string {
  const from = s.start
    ? `the lowest final (${methodName(s.start.method)}, trial ${s.start.trial + 1}, f = ${formatNumber(s.start.f, 4)})`
    : 'the lowest point of the slices (no final was usable)';
  const curvature =
    s.minEigenvalue === undefined
      ? ''
      : s.minEigenvalue > 0
        ? `, smallest Hessian eigenvalue ${formatNumber(s.minEigenvalue)} > 0 (a minimum)`
        : `, smallest Hessian eigenvalue ${formatNumber(s.minEigenvalue)} (not a strict minimum)`;
  const stop = s.converged ? '' : ' (the descent stopped before the gradient tolerance 1e-8·max(1, |f|))';
  const escapes = s.saddleEscapes > 0 ? ` It left ${s.saddleEscapes} saddle${s.saddleEscapes === 1 ? '' : 's'} on the way.` : '';
  const lo = s.values[0];
  const hi = s.values[s.values.length - 1];
  const range = s.minima === 1 ? `1 minimum` : `${s.minima} distinct minima, f from ${formatNumber(lo, 4)} to ${formatNumber(hi, 4)}`;
  const rest = s.candidates - s.descents;
  const skipped =
    rest > 0
      ? ` (the other ${rest} not descended: they end within the success radius of a target already found, or come past the first 256 descents)`
      : '';
  const n = d.targets.length;
  const targets =
    n === 1
      ? `x* alone is at the lowest value`
      : `the ${n} at f(x*) within ${formatNumber(s.valueTolerance)} (1e-4 of f's range on the slices) are the targets: a success is a final within the success radius of any of them, so symmetric copies of a minimum (a network's hidden units permute and flip sign) count alike`;
  return (
    `x* is a local minimum of f found by descent (L-BFGS with backtracking) from ${from}: f(x*) = ${formatNumber(s.value, 6)}, ‖∇f(x*)‖ = ${formatNumber(s.gradientNorm)}${curvature}${stop}.${escapes} ` +
    `Descent from ${s.descents} of the ${s.candidates} finals${skipped} reached ${range}; ${targets}.`
  );
}
