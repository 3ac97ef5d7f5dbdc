/**
 * Everything the panel shows beside the landscape, composed from one module per job: one-point
 * convexity (`convexity.ts`), the smoothness constant (`smoothness.ts`), Theorem 1
 * (`theorem1.ts`), the Figure 5 checks (`trajectory.ts`) and the Figure 3 histogram
 * (`histogram.ts`).
 */
import { curvatureProfile, divergenceAdvice } from './suggest';
import type {
  ConvexityMap,
  Diagnostics,
  Gradient,
  GradientNoise,
  Landscape,
  Loss,
  MethodResult,
  RunConfig,
  Stage,
  Smoothness,
  SuccessRadiusSource,
  TargetsSource,
  Theorem1Prediction,
  XStarCheck,
} from './types';
import { methodRoles } from './config';
import { convexityMap, convexityRadii, stageRegionConvexity } from './convexity';
import { smoothnessEstimate } from './smoothness';
import { theorem1 } from './theorem1';
import { theorem3 } from './theorem3';
import { figure5Series, trajectoryDiagnostics } from './trajectory';
import { finalHistogram } from './histogram';
import { gridArgmin } from './grid';
import { distance } from './geometry';
import { countSuccess, nearestTarget } from './success';
import { findTargets } from './targets';
import { EIGEN_MAX_DIM, gradientNoiseDiagnostics, symmetricEigen } from './gradientNoise';
import { noiseLandscapes } from './noiseLandscapes';
import { noiseModelTrials } from './noiseModelTrials';
import { planeDiagnostics, projectModelFinals } from './plane';
import { minimaOfFinals, minimaTargets, type MinimaOfFinals } from './localMinima';
import { lossGradient } from './differences';
import { computeLandscape, sliceDirections, type GradientGrid, type LandscapeOptions } from './landscape';
import { canonicalSign } from './planeGeometry';

/** Default success neighbourhood: 5% of the domain diameter. */
const SUCCESS_FRACTION = 0.05;

/**
 * The default x*: the grid minimiser of the most smoothed curve (largest radius), or of f when
 * no stage has noise. Non-finite grid values are gaps ([] when there is no finite value). Also
 * used for the live view of a running experiment, so both agree.
 */
export function smoothedMinimum(landscape: Landscape, dim: number): number[] {
  const widest = landscape.smoothed.reduce<Landscape['smoothed'][number] | undefined>(
    (best, s) => (!best || s.radius > best.radius ? s : best),
    undefined,
  );
  return gridArgmin(landscape, dim, widest ? widest.values : landscape.f);
}

/** x* and where it came from; for `descent`, the targets found with it. */
interface XStarChoice extends Pick<Diagnostics, 'xStar' | 'xStarSource'> {
  minima?: MinimaOfFinals;
}

/**
 * x*: the user's, else config.xStar, else `smoothedMinimum`; where g is nowhere finite (f is not
 * finite near any grid point), f's own finite grid minimum. For d > 2, once the trials ran
 * (`methods`), a grid minimum over 1-D slices is no minimum of f (on a network, the centre of the
 * domain is a saddle): x* is then a local minimum found by descent from the trials' finals
 * (localMinima.ts), the slice minimum only where no descent ends inside the domain.
 */
function chooseXStar(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  userXStar?: number[],
  methods?: readonly MethodResult[],
): XStarChoice {
  if (userXStar) return { xStar: [...userXStar], xStarSource: 'user' };
  if (config.xStar) return { xStar: [...config.xStar], xStarSource: 'config' };
  const fromG = smoothedMinimum(landscape, config.dim);
  const gridMin = fromG.length ? fromG : gridArgmin(landscape, config.dim, landscape.f);
  if (config.dim > 2 && methods && gridMin.length === config.dim) {
    // The theorem ball needs x*, so finals near a found minimum are skipped by the setting's or the domain's radius.
    const skip = successRadiusOf(config, []).radius;
    const minima = minimaOfFinals(loss, lossGradient(loss, grad, config), config, landscape, methods, skip, gridMin);
    if (minima) return { xStar: minima.xStar, xStarSource: 'descent', minima };
  }
  return { xStar: gridMin, xStarSource: 'smoothed-minimum' };
}

/** x*, the convexity map of every smoothing, and the c each noisy stage is judged by. */
export interface TargetConvexity extends XStarChoice {
  convexity: ConvexityMap[];
  /** Per stage: inf c(y) of its smoothing over its region (a stage without noise: of f itself). */
  stageC: number[];
  /** Per stage: x* against g's minimum on its region (absent when the landscape has no values). */
  stageCheck: (XStarCheck | undefined)[];
}

/**
 * x* and one-point convexity: without `methods` (a sweep) the part that does not depend on the
 * trials; with them, d > 2 finds x* from their finals (`chooseXStar`). A stage that restarts in
 * its own box (Corollary 2's shrinking regions) is judged on that box.
 */
export function targetConvexity(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  userXStar?: number[],
  grad?: Gradient,
  methods?: readonly MethodResult[],
): TargetConvexity {
  const choice = checkedXStar(config, chooseXStar(loss, grad, config, landscape, userXStar, methods));
  return { ...choice, ...convexityAt(loss, config, landscape, choice.xStar, grad) };
}

function checkedXStar(config: RunConfig, choice: XStarChoice): XStarChoice {
  const { xStar } = choice;
  if (xStar.length === 0) throw new RangeError(`${config.function} is not finite at any landscape grid point, so there is no x*`);
  if (xStar.length !== config.dim) throw new RangeError(`x* has ${xStar.length} components, expected ${config.dim}`);
  return choice;
}

/** The convexity map of every smoothing toward `xStar` on `landscape`, and each stage's c. */
function convexityAt(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  xStar: number[],
  grad?: Gradient,
  gradients?: readonly GradientGrid[],
): Pick<TargetConvexity, 'convexity' | 'stageC' | 'stageCheck'> {
  const smoothings = convexityRadii(config);
  const convexity = smoothings.map(({ radius, noise }) =>
    convexityMap(
      loss,
      config,
      landscape,
      xStar,
      radius,
      noise,
      grad,
      gradients?.find((g) => g.radius === radius && g.noise === noise),
    ),
  );
  const regions = config.stages.map((s: Stage) => {
    const noisy = s.noise !== 'none' && s.radius > 0;
    const map = convexity[smoothings.findIndex((m) => (noisy ? m.radius === s.radius && m.noise === s.noise : m.radius === 0))];
    if (!map) return undefined;
    return s.init ? stageRegionConvexity(config, landscape, map, s.init, xStar) : map;
  });
  const stageC = regions.map((r) => r?.c ?? NaN);
  const stageCheck = regions.map((r) => r?.xStarCheck);
  return { convexity, stageC, stageCheck };
}

/**
 * d > 2: the 1-D slices through x* when they do not pass through it (they are computed before the
 * trials, through the declared x* or the domain's centre, and x* may be found from the finals):
 * along the eigenvectors of the measured minibatch noise covariance C(x*) for a minibatch run
 * (largest eigenvalue first, the plane's u and v the first two; d ≤ EIGEN_MAX_DIM and no
 * configured directions; past d slices the seeded random ones), else along the same directions.
 * The landscape itself when its slices already pass through x* (or d ≤ 2).
 */
export function slicesThroughXStar(loss: Loss, config: RunConfig, landscape: Landscape, xStar: number[], noise?: GradientNoise): Landscape {
  const d = config.dim;
  if (d <= 2 || (landscape.origin && landscape.origin.every((v, j) => v === xStar[j]))) return landscape;
  let directions: LandscapeOptions['directions'];
  if (!config.sliceDirections?.length && noise && d <= EIGEN_MAX_DIM && noise.covariance.flat().every(Number.isFinite)) {
    const { vectors } = symmetricEigen(noise.covariance);
    const random = sliceDirections(config);
    directions = {
      vectors: random.map((r, k) => (k < d ? canonicalSign(vectors[k]) : r)),
      source: 'noise-eigenvectors',
    };
  }
  return computeLandscape(loss, config, { xStar, ...(directions ? { directions } : {}) });
}

/**
 * Theorem 1 for every stage with noise, with its c from `stageC` (and, when known, whether x*
 * minimises g on its region, and where L was found).
 */
export function stageTheorems(
  config: RunConfig,
  L: number,
  stageC: readonly number[],
  xStar: number[],
  sgd: MethodResult,
  stageCheck?: readonly (XStarCheck | undefined)[],
  smoothness?: Smoothness,
): Theorem1Prediction[] {
  return config.stages.flatMap((s, k) => {
    if (s.noise === 'none' || !(s.radius > 0)) return [];
    const t = theorem1(config, k, L, stageC[k], xStar, sgd, stageCheck?.[k]);
    return [smoothness ? { ...t, smoothness } : t];
  });
}

/**
 * The success neighbourhood of x*: the `successRadius` setting when given, else 5% of the domain
 * diameter, or the last stage's Theorem 1 ball when that is smaller.
 */
export function successRadiusOf(
  config: RunConfig,
  theorem: readonly Theorem1Prediction[],
): { radius: number; source: SuccessRadiusSource } {
  if (config.successRadius !== undefined && config.successRadius > 0) return { radius: config.successRadius, source: 'setting' };
  const domainRadius = SUCCESS_FRACTION * distance(config.domain.low, config.domain.high);
  const lastBall = theorem.find((t) => t.stage === config.stages.length - 1)?.ballRadius;
  if (lastBall !== undefined && Number.isFinite(lastBall) && lastBall < domainRadius) return { radius: lastBall, source: 'theorem1' };
  return { radius: domainRadius, source: 'domain' };
}

/** Trials whose final lies within `radius` of a target (a diverged trial never succeeds): success.ts's rule. */
export function successCount(m: Pick<MethodResult, 'finals' | 'divergedMask'> | undefined, targets: number[][], radius: number): number {
  return m ? countSuccess(m.finals, m.divergedMask, targets, radius).success : 0;
}

/**
 * What success is measured against: the declared targets; else a declared x* (RUN.json, the
 * loss file or the caller: the user said which minimum counts); else, d > 2, the minima of the
 * lowest value that descent from the finals reached (localMinima.ts: `minima`); else the global
 * minima of f found on the grid (targets.ts), x* alone when none are found.
 */
export function chooseTargets(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  xStar: number[],
  xStarSource: Diagnostics['xStarSource'],
  minima?: MinimaOfFinals,
): { targets: number[][]; source: TargetsSource } {
  if (config.targets) return { targets: config.targets.map((t) => [...t]), source: 'declared' };
  if (xStarSource === 'descent' && minima) return { targets: minima.targets.map((t) => [...t]), source: 'descent' };
  if (xStarSource !== 'smoothed-minimum') return { targets: [[...xStar]], source: 'x-star' };
  const found = findTargets(loss, grad, config, landscape, xStar);
  return { targets: found.targets, source: found.source };
}

/**
 * The diagnostics of a finished run: of every method (`methods`, in the order of config.methods)
 * the histogram and the success against the targets (`chooseTargets`; the rule: success.ts); of the
 * result's `sgd` method (methodRoles) Theorem 1 and Figure 5.
 */
export function computeDiagnostics(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  methods: MethodResult[],
  userXStar?: number[],
): Diagnostics {
  return finishRun(loss, grad, config, landscape, methods, userXStar).diagnostics;
}

/**
 * Of each method, what `finishRun` reads, the other arrays left empty: what the pool sends the
 * diagnostics task. Of every method its finals and divergence (histogram, success, x*'s search); of
 * the `sgd` method (methodRoles) also its starts and stage finals (Theorem 1, the model trials),
 * sampled paths and checkpoints (Theorem 3, the noise along the paths, the plane) and the Figure 5
 * sums with Theorem 3's per-trial checkpoints — and, only when the sums are missing, the per-trial
 * finals x_T and gradient norms they are summed from (`trajectoryDiagnostics`). Never read:
 * final losses and snapshots (the view's), and other methods' paths and per-trial series.
 */
export function diagnosticsInput(config: RunConfig, methods: readonly MethodResult[]): MethodResult[] {
  const sgdIndex = methodRoles(config).sgd;
  return methods.map((m, i) => {
    const unread = { finalLoss: [], snapshots: [], snapshotSteps: [] };
    if (i === sgdIndex) return m.figure5 ? { ...m, ...unread, finalX: [], stochasticGradNorm: [] } : { ...m, ...unread };
    return {
      finals: m.finals,
      finalsAre: m.finalsAre,
      divergedMask: m.divergedMask,
      diverged: m.diverged,
      ...unread,
      finalX: [],
      starts: [],
      paths: [],
      pathTrials: [],
      pathSteps: [],
      checkpoints: [],
      checkpointSteps: [],
      stochasticGradNorm: [],
      stageFinals: [],
    };
  });
}

/** What the pool computed for the diagnostics on all its workers beforehand (absent: computed here). */
export interface DiagnosticsParts {
  /** 2-D: ∇g on the whole grid for each c(y) map's smoothing (`convexityRadii`), from `gradients` tasks. */
  gradients?: readonly GradientGrid[];
  /** `smoothnessEstimate` of this loss and config, from a `smoothness` task run beside the trials. */
  smoothness?: Smoothness;
  /**
   * `pool`: the noise-model trials are left to the pool (`modelTrials` tasks on every worker, from
   * `gradientNoise`, `targets` and `successRadius` of these diagnostics): `finishRun` says so by
   * `modelTrialsPending` instead of running them on this thread.
   */
  modelTrials?: 'pool';
  /**
   * `pool`: d > 2, the plane through x* is left to the pool (a `plane` task beside the model trials,
   * from `xStar` and `gradientNoise` of these diagnostics): `finishRun` says so by `planePending`.
   */
  plane?: 'pool';
}

/**
 * A finished run's diagnostics (`computeDiagnostics`) and its landscape: for d > 2 the slices
 * recomputed through the x* found from the finals (`slicesThroughXStar`), so the slices, c(y) on
 * them and the headline c are at that x*; else `landscape` itself. `parts`: the heavy parts the
 * pool spread over its workers; the same numbers as without them.
 */
export function finishRun(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  given: Landscape,
  methods: MethodResult[],
  userXStar?: number[],
  parts: DiagnosticsParts = {},
): { landscape: Landscape; diagnostics: Diagnostics; modelTrialsPending?: true; planePending?: true } {
  if (methods.length !== config.methods.length)
    throw new RangeError(`${methods.length} method results for ${config.methods.length} methods`);
  const roles = methodRoles(config);
  const sgd = methods[roles.sgd];
  const { xStar, xStarSource, minima: searched } = checkedXStar(config, chooseXStar(loss, grad, config, given, userXStar, methods));
  const gradientNoise = gradientNoiseDiagnostics(loss.finiteSum, config, xStar, sgd);
  const landscape = slicesThroughXStar(loss, config, given, xStar, gradientNoise);
  // The minima's value tolerance: f's range on the slices the result carries (through x*), not on those the search had.
  const minima = searched && landscape !== given ? minimaTargets(searched, landscape) : searched;
  // 2-D ∇g does not depend on x*: the pool's blocks serve (d > 2 slices are recomputed through x*).
  const { convexity, stageC, stageCheck } = convexityAt(
    loss,
    config,
    landscape,
    xStar,
    grad,
    config.dim === 2 ? parts.gradients : undefined,
  );
  const smoothness = parts.smoothness ?? smoothnessEstimate(loss, config, grad);
  const L = smoothness.L;
  const theorem = stageTheorems(config, L, stageC, xStar, sgd, stageCheck, smoothness);
  const radius = successRadiusOf(config, theorem);
  const found = chooseTargets(loss, grad, config, landscape, xStar, xStarSource, minima);
  const success = methods.map((m) => countSuccess(m.finals, m.divergedMask, found.targets, radius.radius, config.domain));
  let modelTrialsPending: true | undefined;
  if (gradientNoise && loss.finiteSum && gradientNoise.covariance.flat().every(Number.isFinite)) {
    // 2-D: the measured noise's g and c(y) beside the isotropic model's.
    const landscapes = noiseLandscapes(loss, config, landscape, xStar, gradientNoise);
    if (landscapes) gradientNoise.landscapes = landscapes;
    // Any d: which one the trials followed (on the pool's workers when it runs them).
    if (parts.modelTrials === 'pool') modelTrialsPending = true;
    else gradientNoise.modelTrials = noiseModelTrials(loss.finiteSum, config, sgd, gradientNoise, found.targets, radius.radius);
  }
  // d > 2: f, g and c(y) on a plane through x* (C's top eigenvectors for minibatch runs), paths projected.
  const planePending = config.dim > 2 && parts.plane === 'pool' ? true : undefined;
  const plane = config.dim > 2 && !planePending ? planeDiagnostics({ loss, config, xStar, sgd, noise: gradientNoise }) : undefined;
  if (plane && gradientNoise?.modelTrials) plane.modelFinals = projectModelFinals(plane, gradientNoise.modelTrials);
  // Most trials of a method diverged: say why, from f's curvature (a few hundred loss calls).
  const divergence = methods.some((m) => m.diverged > config.trials / 2)
    ? divergenceAdvice(curvatureProfile(loss, config), Math.max(...config.stages.map((s) => s.lr)))
    : undefined;
  const diagnostics: Diagnostics = {
    xStar,
    xStarSource,
    ...(minima ? { minimaSearch: minima.search } : {}),
    c: convexity[0]?.c ?? NaN,
    convexity,
    theorem1: theorem,
    // Summed where the trials ran; a MethodResult made without the sums: from its kept checkpoints.
    trajectory: sgd.figure5 ? figure5Series(sgd.checkpointSteps, sgd.figure5) : trajectoryDiagnostics(loss, grad, config, sgd),
    histogram: finalHistogram(config, methods, roles, config.domain, { xStar }),
    L,
    smoothness,
    theorem3: theorem3(loss, grad, config, landscape, xStar, sgd),
    targets: found.targets,
    targetsSource: found.source,
    xStarTarget: nearestTarget(xStar, found.targets, radius.radius),
    successRadius: radius.radius,
    successRadiusSource: radius.source,
    successSgd: success[roles.sgd].success,
    successGd: roles.gd >= 0 ? success[roles.gd].success : 0,
    methods: success,
    ...(gradientNoise ? { gradientNoise } : {}),
    ...(divergence ? { divergence } : {}),
    ...(plane ? { plane } : {}),
  };
  return { landscape, diagnostics, ...(modelTrialsPending ? { modelTrialsPending } : {}), ...(planePending ? { planePending } : {}) };
}
