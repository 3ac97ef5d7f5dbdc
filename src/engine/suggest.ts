/**
 * Defaults that fit the function: a learning rate, a noise radius and a number of steps derived
 * from f on its domain, for the fields no layer of the run sets (the table's defaults, 0.01 / 0.3 /
 * 1000, suit the paper's Figure 3 function and little else: on the sphere they make SGD a random
 * walk, on Rosenbrock every trial diverges).
 *
 * Two parts, so each is tested against a closed form:
 * - `curvatureProfile(loss, config)` (curvature.ts; runs the user's loss, so in a worker): the local curvature
 *   of f at sample points of the domain, by second differences — the Hessian's spectral norm ρ(x)
 *   (the largest |eigenvalue|) and its smallest eigenvalue λ_min(x) — summarised by quantiles;
 * - `suggestSettings(profile, …)` (pure arithmetic): the rule.
 *
 * The rule, and why:
 * - **η = 0.45 / L**, L the 90th percentile of ρ(x) over the samples where f is in its lower half
 *   (f at most its median over the samples): just inside Theorem 1's η < 1/(2L). The iterates
 *   spend all but their first few steps where f is low, so that is where f's smoothness sets their
 *   pace; a start where f is high and steep is left within a step or two (GD is stable where
 *   η·ρ(x) < 2, so at this η wherever ρ(x) < 4.4·L). On Rosenbrock over [−2, 2] × [−1, 3] the
 *   lower half gives L = 2590 against L₉₀ = 4290 over the whole domain (its corners): η 1.74e-4
 *   instead of 1.05e-4, which GD needs to cross the valley in the steps allowed. The whole-domain
 *   L₉₀ (`CurvatureProfile.L`) stays the conservative bound the divergence advice quotes.
 *   A quantile rather than the maximum because the maximum of second differences is set by the
 *   worst single point: a kink (a jump in f′, where second differences grow as 1/h — the paper's
 *   Figure 3 spline meeting its continuation gives L = 445000 there against ~10³ elsewhere) or
 *   the far corner of a polynomial domain. A kink is a set of measure zero and moves at most a few
 *   samples, which a 90th percentile ignores; a smooth f's curvature on 90% of its domain is what
 *   most trials meet.
 * - **radius = 0.05 × the domain's mean side width** (0.3 on the paper's [−3, 3]: the paper's
 *   middle noise level), **at most the radius whose spread at the minimum stays inside half the
 *   success radius ε**. The x-space radius is a length, so it scales with where f lives; but a
 *   kick of that size each step is a random walk where the pull η·∇f is small (a flat valley at a
 *   small η: Rosenbrock's finals left the domain in 43 of 100 trials at radius 0.2, η 1.05e-4).
 *   Near the minimum GD's error along curvature μ shrinks by (1 − ημ) a step, so a kick of
 *   per-coordinate variance σ² (a²/(d+2) for the uniform ball, a² Gaussian, a²/3 the cube) settles
 *   to E‖x − x*‖² = d·σ²/(ημ(2 − ημ)) (y = x − η∇f closer still), taking every direction as slow as the slowest, μ the
 *   smallest curvature at the bottom of the deepest basin sampled (`CurvatureProfile.basinMu`).
 *   Asking that to be at most (ε/2)² gives a ≤ (ε/2)·√(k·ημ(2 − ημ)/d) with σ² = a²/k.
 * - **steps so that GD converges**: along an eigendirection of curvature λ a GD step multiplies
 *   the error by |1 − ηλ|, so T = ⌈ln(1/ε) / −ln q⌉ with q = max(|1 − η·μ|, |1 − η·L|), L as for η, μ the
 *   slow curvature of the basins (`CurvatureProfile.mu`), ε = 10⁻³ (the error shrinks a
 *   thousandfold); at least 100 and capped at 50,000 (`capped` says when the cap cut it).
 *
 * Ranking: suggestions sit just above the table's defaults and below everything the user writes
 * (settings < the file's `<name>Options` < its `defaults` < RUN.json / flags / the side panel):
 * they only fill a field that no layer sets. Steps use the run's η (the user's, when set).
 */
import type { CurvatureProfile } from './curvature';
import type { Box, NoiseKind } from './types';

export { CURVATURE_QUANTILE, LOW_F_QUANTILE, SLOW_QUANTILE, curvatureProfile, quantileSorted, type CurvatureProfile } from './curvature';

/** η = LR_FRACTION / L₉₀: just inside Theorem 1's first condition η < 1/(2L) (strict). */
export const LR_FRACTION = 0.45;
/** Radius = RADIUS_FRACTION × the domain's mean side width. */
export const RADIUS_FRACTION = 0.05;
/** GD's error shrinks by this factor over the suggested steps. */
export const GD_TOLERANCE = 1e-3;
export const MIN_STEPS = 100;
export const MAX_STEPS = 50_000;

export type SuggestedField = 'lr' | 'radius' | 'steps';
export const SUGGESTED_FIELDS: readonly SuggestedField[] = ['lr', 'radius', 'steps'];

/** Suggested values, each with the reason in words; a field is absent when no value can be derived (the reason says why). */
export interface Suggestion {
  lr?: number;
  radius?: number;
  steps?: number;
  /** One line per field: how its value was derived, or why none was. */
  why: Partial<Record<SuggestedField, string>>;
  /** The suggested steps hit MAX_STEPS: GD would need `stepsNeeded`. */
  capped?: boolean;
  stepsNeeded?: number;
}

const round3 = (v: number): number => Number(v.toPrecision(3));
const fmt = (v: number): string => String(round3(v));

/** LR_FRACTION / L to 3 significant digits, or undefined when L is 0 or not finite. */
function lrFor(L: number): number | undefined {
  return L > 0 && Number.isFinite(L) ? Math.min(1e6, round3(LR_FRACTION / L)) : undefined;
}

/** The L η is derived from: f's smoothness where it is low (`lowL`), else over the whole domain. */
export function lrCurvature(profile: Pick<CurvatureProfile, 'L' | 'lowL'>): number {
  return profile.lowL > 0 && Number.isFinite(profile.lowL) ? profile.lowL : profile.L;
}

/** η for a curvature profile: LR_FRACTION / L (see lrCurvature) to 3 significant digits, or undefined when L is 0 or not finite. */
export function suggestedLr(profile: Pick<CurvatureProfile, 'L' | 'lowL'>): number | undefined {
  return lrFor(lrCurvature(profile));
}

/** RADIUS_FRACTION × the domain's mean side width, to 3 significant digits. */
export function suggestedRadius(domain: Box): number {
  const d = domain.low.length;
  let w = 0;
  for (let j = 0; j < d; j++) w += domain.high[j] - domain.low[j];
  return round3((RADIUS_FRACTION * w) / d);
}

/** Per-coordinate variance of a kick of radius a is a²/k: k for each noise kind in d dimensions (undefined: no radius). */
export function noiseVarianceDivisor(noise: NoiseKind, d: number): number | undefined {
  switch (noise) {
    case 'uniform':
      return d + 2;
    case 'gaussian':
      return 1;
    case 'cube':
      return 3;
    default:
      return undefined;
  }
}

/**
 * The largest radius whose spread at the minimum stays inside half the success radius ε (see the
 * module's comment): (ε/2)·√(k·ημ(2 − ημ)/d), μ = `basinMu`; undefined when there is no basin, GD
 * is not stable in it (ημ ≥ 2) or the noise kind has no radius.
 */
export function spreadRadius(
  profile: Pick<CurvatureProfile, 'basinMu'>,
  lr: number,
  d: number,
  noise: NoiseKind,
  successRadius: number,
): number | undefined {
  const mu = profile.basinMu;
  const k = noiseVarianceDivisor(noise, d);
  if (mu === undefined || !(mu > 0) || k === undefined || !(lr > 0) || !(successRadius > 0)) return undefined;
  const em = lr * mu;
  if (em >= 2) return undefined;
  return (successRadius / 2) * Math.sqrt((k * em * (2 - em)) / d);
}

/**
 * GD steps at step size `lr` for the error to shrink by GD_TOLERANCE along every eigendirection of
 * curvature in [μ, L] (L as for η: lrCurvature) (see the module's comment), clamped to [MIN_STEPS, MAX_STEPS];
 * `needed` is the unclamped count (Infinity when GD does not contract at this η).
 */
export function suggestedSteps(
  profile: Pick<CurvatureProfile, 'L' | 'lowL' | 'mu'>,
  lr: number,
): { steps: number; needed: number } | undefined {
  const L = lrCurvature(profile);
  if (profile.mu === undefined || !(profile.mu > 0) || !Number.isFinite(L)) return undefined;
  const q = Math.max(Math.abs(1 - lr * profile.mu), Math.abs(1 - lr * Math.max(L, profile.mu)));
  const needed = q < 1 ? Math.ceil(Math.log(1 / GD_TOLERANCE) / -Math.log(q)) : Infinity;
  return { steps: Math.min(MAX_STEPS, Math.max(MIN_STEPS, needed)), needed };
}

/** What the radius's cap needs to know about the run: its noise kind and success radius (none: no cap). */
export interface SuggestContext {
  noise?: NoiseKind;
  successRadius?: number;
}

/**
 * The suggested values of `fields` for a run on `domain` with the curvature `profile`; `lr` is
 * the run's learning rate when the user set it (steps and the radius's cap then follow it), else
 * the suggested one is used.
 */
export function suggestSettings(
  profile: CurvatureProfile,
  domain: Box,
  fields: readonly SuggestedField[],
  userLr?: number,
  context: SuggestContext = {},
): Suggestion {
  const out: Suggestion = { why: {} };
  const L = lrCurvature(profile);
  const Ltext =
    (L === profile.lowL && profile.lowPoints < profile.points
      ? `L = ${fmt(L)}, the 90th percentile of f's curvature over the ${profile.lowPoints} of ${profile.points} points of the domain ` +
        `where f is in its lower half, where the iterates spend their steps (over all of them: ${fmt(profile.L)})`
      : `L = ${fmt(L)}, the 90th percentile of f's curvature over ${profile.points} points of the domain`) +
    (profile.maxL > 2 * L ? `; not the largest, ${fmt(profile.maxL)}: a kink or a corner sets that, and most trials never meet it` : '');
  const lr = suggestedLr(profile);
  if (fields.includes('lr')) {
    if (lr !== undefined) {
      out.lr = lr;
      out.why.lr = `η = ${LR_FRACTION}/L (just inside Theorem 1's η < 1/(2L)) with ${Ltext}`;
    } else {
      out.why.lr = `no curvature found on the domain (${profile.points} of ${profile.of} points finite, L₉₀ = ${fmt(profile.L)}): η keeps its default`;
    }
  }
  const eta = userLr ?? lr;
  if (fields.includes('radius')) {
    const wide = suggestedRadius(domain);
    const cap =
      eta !== undefined && context.noise !== undefined && context.successRadius !== undefined
        ? spreadRadius(profile, eta, domain.low.length, context.noise, context.successRadius)
        : undefined;
    if (cap !== undefined && round3(cap) < wide) {
      out.radius = round3(cap);
      out.why.radius =
        `the largest whose spread at the minimum stays inside half the success radius ${fmt(context.successRadius!)}: ` +
        `(ε/2)·√(k·ημ(2 − ημ)/d) with η = ${fmt(eta!)}, μ = ${fmt(profile.basinMu!)} (the curvature at the bottom of the deepest basin sampled) ` +
        `and k = ${noiseVarianceDivisor(context.noise!, domain.low.length)} (${context.noise} noise); ` +
        `${RADIUS_FRACTION} × the domain's mean side width, ${fmt(wide)}, would random-walk at this η`;
    } else {
      out.radius = wide;
      out.why.radius = `${RADIUS_FRACTION} × the domain's mean side width`;
    }
  }
  if (fields.includes('steps')) {
    const s = eta !== undefined ? suggestedSteps(profile, eta) : undefined;
    if (s) {
      out.steps = s.steps;
      out.stepsNeeded = s.needed;
      out.capped = s.needed > MAX_STEPS;
      const pace = `GD at η = ${fmt(eta!)} on curvatures from μ = ${fmt(profile.mu!)} (the flattest basin direction) to L = ${fmt(L)}`;
      out.why.steps = out.capped
        ? `capped at ${MAX_STEPS}: ${pace} needs ${Number.isFinite(s.needed) ? s.needed : 'more steps than any'} to shrink its error ${1 / GD_TOLERANCE}-fold`
        : `${pace} shrinks its error ${1 / GD_TOLERANCE}-fold in ${s.needed} steps${s.needed < MIN_STEPS ? ` (at least ${MIN_STEPS})` : ''}`;
    } else {
      out.why.steps =
        eta === undefined
          ? 'no η to pace GD with: steps keep their default'
          : 'f is nowhere locally convex on the samples (no basin to converge in): steps keep their default';
    }
  }
  return out;
}

/**
 * Why most trials of a run diverged, as far as f's curvature tells: the largest stage η against
 * L₉₀ (GD is stable only where η·curvature < 2), and the η the rule above would pick. Computed by
 * the diagnostics when a method of the run diverged in more than half of its trials.
 */
export interface DivergenceAdvice {
  /** The largest learning rate of the run's stages. */
  lr: number;
  /** L₉₀ and the largest curvature sampled (see CurvatureProfile). */
  L: number;
  maxL: number;
  /** η·L₉₀ ≥ 2: at that η, GD steps grow on at least a tenth of the domain. */
  stepTooLarge: boolean;
  /** LR_FRACTION / L₉₀, when it is below the run's η (absent otherwise, or when L₉₀ is 0). */
  suggestedLr?: number;
}

/** The divergence advice for a run whose stages' largest η is `lr` (the conservative η: L₉₀ over the whole domain). */
export function divergenceAdvice(profile: Pick<CurvatureProfile, 'L' | 'maxL'>, lr: number): DivergenceAdvice {
  const eta = lrFor(profile.L);
  const out: DivergenceAdvice = { lr, L: profile.L, maxL: profile.maxL, stepTooLarge: lr * profile.L >= 2 };
  if (eta !== undefined && eta < lr) out.suggestedLr = eta;
  return out;
}
