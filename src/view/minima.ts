/**
 * What success counts against, in words: for d > 2 without a declared x* (diagnostics.minimaSearch,
 * localMinima.ts) how x* was found and the targets; for every run the finals that ended outside the
 * domain. Used by the panel and the CLI.
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
 * "x* is the lowest local minimum of f that descent (L-BFGS) from the finals reached, from GD's trial 27 (f = …): … Descent
 * from 139 of the 200 finals reached 96 distinct minima, f from 0.231 to 0.274; the 61 at f(x*) …
 * are the targets …". `methodName` names a method by its index in config.methods.
 */
export function minimaSearchText(d: Pick<Diagnostics, 'targets'>, s: MinimaSearch, methodName: (i: number) => string): string {
  const from = s.start
    ? `from the final of ${methodName(s.start.method)}, trial ${s.start.trial + 1} (f = ${formatNumber(s.start.f, 4)})`
    : 'from the lowest point of the slices (no final was usable)';
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
  const capped = s.capped ?? 0;
  const near = rest - capped;
  const skipped =
    s.capped === undefined
      ? rest > 0
        ? ` (the other ${rest} not descended: they end within the success radius of a target already found, or come past the first 256 descents)`
        : ''
      : [
          near > 0 ? `the other ${near} not descended end within the success radius of a target already found` : '',
          capped > 0
            ? `${capped} came past the first 256 descents and lie near no target: they count as failures, so success may undercount by up to ${capped} if some lie in a copy of the lowest minimum no descent reached`
            : '',
        ]
          .filter(Boolean)
          .map((t, i, a) => (i === 0 ? ' (' : '; ') + t + (i === a.length - 1 ? ')' : ''))
          .join('');
  const n = d.targets.length;
  const targets =
    n === 1
      ? `x* alone is at the lowest value`
      : `the ${n} at f(x*) within ${formatNumber(s.valueTolerance)} (1e-4 of f's range on the slices through x*) are the targets: a success is a final within the success radius of any of them, so symmetric copies of a minimum (a network's hidden units permute and flip sign) count alike`;
  return (
    `x* is the lowest local minimum of f that descent (L-BFGS with backtracking) from the finals reached, ${from}: f(x*) = ${formatNumber(s.value, 6)}, ‖∇f(x*)‖ = ${formatNumber(s.gradientNorm)}${curvature}${stop}.${escapes} ` +
    `Descent from ${s.descents} of the ${s.candidates} finals${skipped} reached ${range}; ${targets}.`
  );
}

/**
 * The finals (of trials that did not diverge) that ended outside the domain, per method, and why
 * that is no fault: the iterates are never kept in the domain (SGD is unconstrained, as in the
 * paper; the domain is only the box the landscape is computed and drawn on), so a trial that
 * starts in the basin of a minimum beyond it ends there (Griewank's example: (±π, ±π√2), just past
 * the corners of [−3, 3]²). Such a final counts as every final does: a success only within the
 * success radius of a target. `where` names the box: "plot" in the panel, whose charts draw such
 * finals on its edge for d ≤ 2 (and say so), "domain" in the CLI. '' when there are none.
 */
export function outsideFinalsText(
  methods: ReadonlyArray<{ name: string; outside: number }>,
  dim: number,
  where: 'plot' | 'domain',
): string {
  const total = methods.reduce((s, m) => s + m.outside, 0);
  if (total === 0) return '';
  const per = methods.filter((m) => m.outside > 0).map((m) => `${m.name} ${m.outside}`);
  return (
    `${total} final${total === 1 ? '' : 's'} outside the ${where} (${per.join(', ')})${where === 'plot' && dim <= 2 ? ', drawn on its edge' : ''}: ` +
    'the iterates are not kept in the domain (SGD is unconstrained, as in the paper; the domain is only where f is computed and drawn), ' +
    `so a trial can end at a minimum beyond it. ${total === 1 ? 'It counts' : 'They count'} as every final does: a success only within the success radius of a target.`
  );
}
