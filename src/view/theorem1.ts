/**
 * Theorem 1 in words, from the engine's numbers and its `outcome` (which condition fails). Pure
 * (no DOM, no Node): the panel, the side panel and the CLI's printed summary all read it here.
 */
import type { Smoothness, Theorem1Prediction, Theorem3Report, XStarCheck } from '../engine/types';
import { formatNumber as num, formatPercent, formatPoint } from './format';

/** One stage's Theorem 1 prediction against what was observed; with `stages` > 1 it names the stage. */
export function theoremText(p: Theorem1Prediction, stages: number): string {
  const head = stages > 1 ? `Stage ${p.stage + 1} (η ${num(p.lr)}, radius ${num(p.radius)}): ` : '';
  return head + reading(p) + gaussianNote(p);
}

/** x* is not where g is lowest: said first, before any constant (Assumption 1 fails there). */
export function notMinimiserText(check: XStarCheck, radius: number): string {
  const g = radius > 0 ? `the landscape smoothed at radius ${num(radius)}` : 'f';
  const name = radius > 0 ? 'g' : 'f';
  return (
    `x* is not a minimiser of ${g}: ${name}(x*) = ${num(check.g, 4)} > ${name}(${formatPoint(check.argMin)}) = ${num(check.gMin, 4)}, ` +
    `so somewhere between them c(y) ≤ 0 and Assumption 1 fails.`
  );
}

/**
 * When the x* the file or RUN.json states is not where the smoothed landscape is lowest at some
 * stage's radius: that this is a fact of f as given, not an error of the run, and that c(y) and
 * Theorem 1 are still measured toward the stated x*. Undefined when x* was found by the engine or
 * minimises g at every radius. (The Figure 3 example's f is a spline through points digitised from
 * the paper's figure: at each radius of the four-stage preset its g is lowest off 0, at radius 0.3
 * at −0.04.)
 */
export function statedXStarText(
  xStar: readonly number[],
  source: 'user' | 'config' | 'smoothed-minimum' | 'descent',
  maps: ReadonlyArray<{ radius: number; xStarCheck?: XStarCheck }>,
): string | undefined {
  if (source !== 'user' && source !== 'config') return undefined;
  const off = maps.filter((m) => m.radius > 0 && m.xStarCheck && !m.xStarCheck.minimises);
  if (off.length === 0) return undefined;
  const at = off.map((m) => `radius ${num(m.radius)}: g(${formatPoint(m.xStarCheck!.argMin)}) = ${num(m.xStarCheck!.gMin, 4)}`).join('; ');
  const list = off.map((m) => num(m.radius));
  const radii = list.length === 1 ? `radius ${list[0]}` : `radii ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  return (
    `The x* = ${formatPoint(xStar)} shown is the minimiser ${source === 'user' ? 'the loss file states' : 'RUN.json states'}, and c(y) and ` +
    `Theorem 1 are measured toward it; on this f the landscape smoothed at ${radii} is lowest elsewhere in the start region (${at}). ` +
    'That is a fact of f as given (smoothing moves the minimum of an uneven f), not an error of the run.'
  );
}

/**
 * "L ≈ …" with where it was found; when that is a kink on the start region's edge (no finite L
 * there), the largest value inside the region beside it.
 */
export function smoothnessText(L: number, s?: Smoothness): string {
  const head = `L ≈ ${num(L)}`;
  if (!s || !s.at || s.at.length === 0) return head;
  if (s.edgeKink && s.interior !== undefined && s.interiorAt) {
    return `${head} (at ${formatPoint(s.at)}, a kink on the start region's edge; inside the region L ≈ ${num(s.interior)}, at ${formatPoint(s.interiorAt)})`;
  }
  return `${head} (at ${formatPoint(s.at)})`;
}

/** Gaussian noise has no bound r: the numbers use its root-mean-square size instead. */
function gaussianNote(p: Theorem1Prediction): string {
  if (p.noise !== 'gaussian' || p.outcome === 'x-star-not-minimiser' || p.outcome === 'c-unknown' || p.outcome === 'c-not-positive')
    return '';
  return ' (Gaussian noise is unbounded, so the theorem’s bound ηr on the noise does not exist; b uses the root-mean-square size σ√d in its place. That is a substitution, not the theorem.)';
}

function reading(p: Theorem1Prediction): string {
  const constants = `c ≈ ${num(p.c)}, ${smoothnessText(p.L, p.smoothness)}`;
  switch (p.outcome) {
    case 'x-star-not-minimiser':
      return p.xStarCheck
        ? `Theorem 1 makes no prediction: ${notMinimiserText(p.xStarCheck, p.radius)}`
        : 'Theorem 1 makes no prediction: x* is not a minimiser of the smoothed landscape on the start region.';
    case 'c-unknown':
      return 'Theorem 1 makes no prediction: c could not be estimated, as no grid point of the landscape lies in the start region.';
    case 'c-not-positive':
      return `Theorem 1 makes no prediction: c ≈ ${num(p.c)} ≤ 0, so the landscape smoothed at radius ${num(p.radius)} does not point toward x* everywhere in the start region.`;
    case 'lr-too-large':
      return lrTooLarge(p);
    case 'predicted': {
      const late = p.T1 > p.steps;
      const T1 = num(Math.ceil(p.T1));
      const when = `after about ${T1} steps`;
      const observed = `Observed: ${formatPercent(p.observedInside)} of the trials ended within ${num(p.ballRadius)} of x*`;
      if (!p.conditionHolds) {
        const tail = late
          ? ` The stage has only ${p.steps} steps, fewer than T1 = ${T1}, so not even the extrapolation applies at its end.`
          : '';
        return (
          `Theorem 1 needs η < ${num(p.lrBound)} (${constants}); η = ${num(p.lr)} is not below it, so its guarantee does not apply. ` +
          `Extrapolated, it puts at least half of the trials within ${num(p.ballRadius)} of x* ${when}.${tail} ${observed}.`
        );
      }
      if (late) {
        return (
          `Theorem 1's promise (at least half of the trials within ${num(p.ballRadius)} of x*) starts at T1 = ${T1} steps; ` +
          `the stage has only ${p.steps}, so it promises nothing for this run. ${observed} (for reference).`
        );
      }
      const verdict = p.observedInside >= 0.5 ? 'as predicted' : 'fewer than the ≥ 50% predicted';
      return `Theorem 1 predicts that ${when} at least half of the trials lie within ${num(p.ballRadius)} of x*. ${observed} (${verdict}).`;
    }
    default:
      // A result stored before predictions carried their outcome.
      return `Theorem 1 with ${constants}: λ ≈ ${num(p.lambda)}, ball ${num(p.ballRadius)} (stored by an earlier version; run it again for the full reading).`;
  }
}

/** The binding term of η < min{1/(2L), c/L², 1/(2c)} in words. */
function bindingCondition(L: number, c: number): string {
  const terms = [1 / (2 * L), c / (L * L), 1 / (2 * c)];
  const k = terms.indexOf(Math.min(...terms));
  if (k === 0) return `the step must stay below 1/(2L), half the inverse of f's curvature`;
  if (k === 1) return `the pull toward x* (c ≈ ${num(c)}) must beat the curvature squared: η < c/L²`;
  return `the step must stay below 1/(2c)`;
}

/**
 * Theorem 1's step-size condition fails (λ = 2ηc − η²L² ≤ 0): which condition, by how much, what
 * would satisfy it, and what the stage did anyway.
 */
function lrTooLarge(p: Theorem1Prediction): string {
  const ratio = p.lrBound > 0 ? p.lr / p.lrBound : Infinity;
  const s = p.smoothness;
  const kink = s?.edgeKink && s.interior !== undefined;
  const curvature = kink
    ? `L ≈ ${num(p.L)} comes from a kink at the start region's edge (${formatPoint(s!.at)}), not from f's curvature inside it (≈ ${num(s!.interior)})`
    : `f's curvature reaches L ≈ ${num(p.L)}${s?.at?.length ? ` (at ${formatPoint(s.at)})` : ''}`;
  const fails =
    `Theorem 1 does not apply: its step-size condition fails. With c ≈ ${num(p.c)} (how strongly the smoothed landscape pulls toward x*) ` +
    `and ${curvature}, ${bindingCondition(p.L, p.c)}, so η must be below ${num(p.lrBound)}; ` +
    `η = ${num(p.lr)} is ${Number.isFinite(ratio) ? `${num(ratio)} times that` : 'far above it'}.`;
  const interiorBound =
    kink && s!.interior! > 0 ? Math.min(1 / (2 * s!.interior!), p.c / (s!.interior! * s!.interior!), 1 / (2 * p.c)) : undefined;
  const smoother = kink
    ? `a smoother f at that edge (with L ≈ ${num(s!.interior)} from inside the region the bound would be ${num(interiorBound)})`
    : 'a smoother f (a smaller L)';
  const take = ` It would take a smaller η (below ${num(p.lrBound)}), a larger noise radius (a larger c), or ${smoother}.`;
  const observed =
    p.startDistance !== undefined && p.endDistance !== undefined && Number.isFinite(p.endDistance)
      ? ` The run anyway: the median distance to x* went from ${num(p.startDistance)} at the stage’s start to ${num(p.endDistance)} at its end.`
      : '';
  return fails + take + observed;
}

/** Theorem 3 (step too big) along the trajectories, in words. */
export function theorem3Text(r: Theorem3Report): string {
  const head = 'Theorem 3 (step too big):';
  if (!(r.cPrime > 0)) {
    return `${head} not checked: c′ = sup ⟨−∇f(y), x* − y⟩/‖x* − y‖² over the start region is ${num(r.cPrime)}, not positive.`;
  }
  const rule = `η > 2c′‖x_t − x*‖²/‖∇f(x_t)‖² (c′ ≈ ${num(r.cPrime)})`;
  if (r.checked === 0) {
    return `${head} not checked: no checkpoint is left to check it at (every trial diverged, or its checkpoints lie where ∇f is not finite).`;
  }
  if (r.tooBig === 0) {
    return `${head} at none of the ${r.checked} checkpoints along the trajectories is ${rule}, so no full gradient step there moves away from x*.`;
  }
  const first = r.steps[0];
  const last = r.steps[r.steps.length - 1];
  const when =
    first === last ? `at step ${first}` : `at steps ${first}–${last} (${r.steps.length} checkpoint${r.steps.length === 1 ? '' : 's'})`;
  const where =
    r.region && r.distMin !== undefined && r.distMax !== undefined
      ? ` for x_t in ${r.region.low.map((lo, j) => `[${num(lo)}, ${num(r.region!.high[j])}]`).join(' × ')}, ${num(r.distMin)}–${num(r.distMax)} from x*`
      : '';
  return `${head} ${rule} at ${r.tooBig} of ${r.checked} checkpoints, ${when}${where}: there one full gradient step moves farther from x*.`;
}
