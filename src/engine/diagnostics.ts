/**
 * Everything the panel shows beside the landscape, composed from one module per job: one-point
 * convexity (`convexity.ts`), the smoothness constant (`smoothness.ts`), Theorem 1
 * (`theorem1.ts`), the Figure 5 checks (`trajectory.ts`) and the Figure 3 histogram
 * (`histogram.ts`).
 */
import type { Diagnostics, Gradient, Landscape, Loss, MethodResult, RunConfig, Stage } from './types';
import { smoothingRadii } from './config';
import { convexityMap, regionConvexity } from './convexity';
import { estimateSmoothness } from './smoothness';
import { theorem1 } from './theorem1';
import { trajectoryDiagnostics } from './trajectory';
import { finalHistogram } from './histogram';
import { gridArgmin } from './grid';
import { distance } from './geometry';

/** Default success neighbourhood: 5% of the domain diameter. */
const SUCCESS_FRACTION = 0.05;

/**
 * The default x*: the grid minimiser of the most smoothed curve (largest radius), or of f when
 * no stage has noise. Also used for the live view of a running experiment, so both agree.
 */
export function smoothedMinimum(landscape: Landscape, dim: number): number[] {
  const widest = landscape.smoothed.reduce<Landscape['smoothed'][number] | undefined>(
    (best, s) => (!best || s.radius > best.radius ? s : best),
    undefined,
  );
  return gridArgmin(landscape, dim, widest ? widest.values : landscape.f);
}

/** x*: the user's, else config.xStar, else `smoothedMinimum`. */
function chooseXStar(config: RunConfig, landscape: Landscape, userXStar?: number[]): Pick<Diagnostics, 'xStar' | 'xStarSource'> {
  if (userXStar) return { xStar: [...userXStar], xStarSource: 'user' };
  if (config.xStar) return { xStar: [...config.xStar], xStarSource: 'config' };
  return { xStar: smoothedMinimum(landscape, config.dim), xStarSource: 'smoothed-minimum' };
}

/**
 * The diagnostics of a finished run. The success radius is 5% of the domain diameter, or the last
 * stage's Theorem 1 ball when that is smaller.
 */
export function computeDiagnostics(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  sgd: MethodResult,
  gd: MethodResult | undefined,
  userXStar?: number[],
): Diagnostics {
  const d = config.dim;
  const { xStar, xStarSource } = chooseXStar(config, landscape, userXStar);
  if (xStar.length !== d) throw new RangeError(`x* has ${xStar.length} components, expected ${d}`);

  const smoothings = smoothingRadii(config);
  const convexity = smoothings.map(({ radius, noise }) => convexityMap(loss, config, landscape, xStar, radius, noise));
  // A stage that restarts in its own box (Corollary 2's shrinking regions) is judged on that box.
  const stageC = (s: Stage) => {
    const map = convexity[smoothings.findIndex((m) => m.radius === s.radius && m.noise === s.noise)];
    if (!map) return NaN;
    return s.init ? regionConvexity(landscape, d, map.values, s.init, xStar, s.radius, s.noise).c : map.c;
  };
  const L = estimateSmoothness(loss, config);
  const theorem = config.stages.flatMap((s, k) =>
    s.noise === 'none' || !(s.radius > 0) ? [] : [theorem1(config, k, L, stageC(s), xStar, sgd)],
  );

  const diameter = distance(config.domain.low, config.domain.high);
  let successRadius = SUCCESS_FRACTION * diameter;
  const lastBall = theorem.find((t) => t.stage === config.stages.length - 1)?.ballRadius;
  if (lastBall !== undefined && Number.isFinite(lastBall) && lastBall < successRadius) successRadius = lastBall;
  const successes = (m: MethodResult | undefined) =>
    m ? m.finals.filter((y, t) => !m.divergedMask[t] && distance(y, xStar) <= successRadius).length : 0;

  return {
    xStar,
    xStarSource,
    c: convexity[0]?.c ?? NaN,
    convexity,
    theorem1: theorem,
    trajectory: trajectoryDiagnostics(loss, grad, config, sgd),
    histogram: finalHistogram(config, sgd, gd, config.domain, { xStar }),
    L,
    successRadius,
    successSgd: successes(sgd),
    successGd: successes(gd),
  };
}
