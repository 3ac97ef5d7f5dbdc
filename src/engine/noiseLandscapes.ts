/**
 * The measured minibatch noise against the paper's isotropic model, as landscapes (issue 14): in
 * 2-D, g under the Gaussian of the measured kick covariance η²C(x*) (anisotropic) and g under the
 * isotropic Gaussian of the same trace, each with its c(y) toward x*, and where they disagree.
 * Which one the trials followed (any d) is noiseModelTrials.ts.
 */
import type { GradientNoise, Landscape, Loss, NoiseLandscape, NoiseLandscapes, RunConfig } from './types';
import { smoothGridGaussians } from './anisotropicSmoothing';
import { regionConvexity, gridIndexOf, curvatureFromGrid2D } from './convexity';

/** g and c(y) of one covariance on the landscape grid, with inf c over the init box. */
function landscapeOf(
  config: RunConfig,
  landscape: Landscape,
  xStar: number[],
  covariance: number[][],
  map: { values: Float64Array; gradX: Float64Array; gradY: Float64Array },
): NoiseLandscape {
  const xs = landscape.x;
  const ys = landscape.y!;
  const nx = xs.length;
  const values: number[][] = [];
  const convexity: number[][] = [];
  const gradX: number[][] = [];
  const gradY: number[][] = [];
  for (let iy = 0; iy < ys.length; iy++) {
    const vr: number[] = [];
    const cr: number[] = [];
    const gxr: number[] = [];
    const gyr: number[] = [];
    for (let ix = 0; ix < nx; ix++) {
      const k = iy * nx + ix;
      const v0 = xStar[0] - xs[ix];
      const v1 = xStar[1] - ys[iy];
      const n2 = v0 * v0 + v1 * v1;
      vr.push(map.values[k]);
      gxr.push(map.gradX[k]);
      gyr.push(map.gradY[k]);
      cr.push(n2 === 0 ? NaN : -(map.gradX[k] * v0 + map.gradY[k] * v1) / n2);
    }
    values.push(vr);
    convexity.push(cr);
    gradX.push(gxr);
    gradY.push(gyr);
  }
  // At x* itself c(y) → λ_min(∇²g(x*)), as in convexity.ts.
  const at = gridIndexOf(landscape, 2, xStar);
  if (at) {
    const step = (a: number[]) => (a.length > 1 ? (a[a.length - 1] - a[0]) / (a.length - 1) : 0);
    convexity[at.row][at.i] = curvatureFromGrid2D({ gradX, gradY }, at.row, at.i, step(xs), step(ys));
  }
  const region = regionConvexity(landscape, 2, convexity, config.init, xStar);
  return { covariance, values, convexity, c: region.c, argInf: region.argInf, positiveFraction: region.positiveFraction };
}

/**
 * `gradientNoise.landscapes` (2-D finite sums with a minibatch stage): see the module comment.
 */
export function noiseLandscapes(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  xStar: number[],
  noise: GradientNoise,
): NoiseLandscapes | undefined {
  const fs = loss.finiteSum;
  if (!fs || config.dim !== 2 || !landscape.y || landscape.x.length < 2 || landscape.y.length < 2) return undefined;
  const eta2 = noise.lr * noise.lr;
  const aniso = noise.covariance.map((r) => r.map((v) => eta2 * v));
  const s2 = noise.isotropicSigma * noise.isotropicSigma;
  const iso = [
    [s2, 0],
    [0, s2],
  ];
  const xs = landscape.x;
  const ys = landscape.y;
  const out = smoothGridGaussians(
    loss,
    { lo: xs[0], hi: xs[xs.length - 1], n: xs.length },
    { lo: ys[0], hi: ys[ys.length - 1], n: ys.length },
    [aniso, iso],
  );
  const anisotropic = landscapeOf(config, landscape, xStar, aniso, out.maps[0]);
  const isotropic = landscapeOf(config, landscape, xStar, iso, out.maps[1]);
  // Where they disagree: the largest |g_aniso − g_iso| against g_aniso's range on the grid.
  let maxAbs = 0;
  let at: number[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  let signs = 0;
  let both = 0;
  for (let iy = 0; iy < ys.length; iy++) {
    for (let ix = 0; ix < xs.length; ix++) {
      const a = anisotropic.values[iy][ix];
      const b = isotropic.values[iy][ix];
      if (Number.isFinite(a)) {
        lo = Math.min(lo, a);
        hi = Math.max(hi, a);
      }
      const d = Math.abs(a - b);
      if (d > maxAbs) {
        maxAbs = d;
        at = [xs[ix], ys[iy]];
      }
      const ca = anisotropic.convexity[iy][ix];
      const cb = isotropic.convexity[iy][ix];
      if (Number.isFinite(ca) && Number.isFinite(cb)) {
        both++;
        if (ca > 0 !== cb > 0) signs++;
      }
    }
  }
  const range = hi - lo;
  return {
    anisotropic,
    isotropic,
    disagreement: {
      maxAbs,
      relative: range > 0 ? maxAbs / range : NaN,
      at,
      cSignDiffers: both > 0 ? signs / both : NaN,
    },
    evaluations: out.evaluations,
  };
}
