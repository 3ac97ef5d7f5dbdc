/**
 * The measured minibatch noise against the paper's isotropic model, as landscapes (issue 14): in
 * 2-D, g under the Gaussian of the measured kick covariance η²C(x*) (anisotropic) and g under the
 * isotropic Gaussian of the same trace, each with its c(y) toward x*; where they disagree; and which
 * one the trials followed — the same stages run from the same starts with each Gaussian model's
 * kicks in place of the batches, their success against the targets beside the minibatch trials'.
 */
import type { Box, GradientNoise, Landscape, Loss, MethodResult, NoiseLandscape, NoiseLandscapes, RunConfig } from './types';
import { smoothGridGaussians } from './anisotropicSmoothing';
import { regionConvexity, gridIndexOf, curvatureFromGrid2D } from './convexity';
import { finiteSumGradient, type FiniteSum } from './finiteSum';
import { countSuccess } from './success';
import { Normal, stream } from './rng';
import { methodRoles } from './methods';
import { methodStage } from './sgd';
import { stageLr } from './schedule';

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

/** A lower-triangular L with L Lᵀ = Σ (2 × 2, positive semi-definite). */
function cholesky2(s: number[][]): number[][] {
  const l00 = Math.sqrt(Math.max(0, s[0][0]));
  const l10 = l00 > 0 ? s[1][0] / l00 : 0;
  const l11 = Math.sqrt(Math.max(0, s[1][1] - l10 * l10));
  return [
    [l00, 0],
    [l10, l11],
  ];
}

/**
 * Finals y_T of the `sgd` method's stages from its own starts, with the x-space kick of each
 * minibatch stage drawn from N(0, Σ) (Σ = η²C(x*), or its isotropic stand-in) instead of a batch,
 * the full gradient ∇f (the mean over the data) in the step; other stages keep no noise. Seeded per
 * model and trial.
 */
function gaussianModelFinals(
  fs: FiniteSum,
  config: RunConfig,
  sgd: MethodResult,
  covariance: number[][],
  label: string,
): { finals: number[][]; diverged: boolean[] } {
  const spec = config.methods[methodRoles(config).sgd];
  const stages = config.stages.map((s) => methodStage(s, spec));
  const grad = finiteSumGradient(fs, config.fdStep);
  const L = cholesky2(covariance);
  const x = new Float64Array(2);
  const g = new Float64Array(2);
  const finals: number[][] = [];
  const diverged: boolean[] = [];
  sgd.starts.forEach((start, trial) => {
    const normal = new Normal(stream(config.seed, `noise-model/${label}/${trial}`));
    x[0] = start[0];
    x[1] = start[1];
    let ok = true;
    let lr = stages[0]?.lr ?? 0;
    for (let k = 0; k < stages.length && ok; k++) {
      const st = stages[k];
      if (k > 0 && st.init) {
        // A stage with its own box restarts from a fresh uniform draw in it, as the trials do.
        const rng = stream(config.seed, `noise-model/${label}/${trial}/init${k}`);
        for (let j = 0; j < 2; j++) x[j] = st.init.low[j] + (st.init.high[j] - st.init.low[j]) * rng();
      }
      for (let t = 0; t < st.steps; t++) {
        lr = stageLr(st, t);
        grad(x, g);
        x[0] -= lr * g[0];
        x[1] -= lr * g[1];
        if (st.noise === 'minibatch') {
          const z0 = normal.next();
          const z1 = normal.next();
          // The kick scales with η_t/η like the batch's: η_t(g_B − ∇f) has covariance η_t²C.
          const s = lr / st.lr;
          x[0] -= s * L[0][0] * z0;
          x[1] -= s * (L[1][0] * z0 + L[1][1] * z1);
        }
        if (!(Number.isFinite(x[0]) && Number.isFinite(x[1]))) {
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      grad(x, g);
      finals.push([x[0] - lr * g[0], x[1] - lr * g[1]]);
    } else finals.push([NaN, NaN]);
    diverged.push(!ok);
  });
  return { finals, diverged };
}

/**
 * `gradientNoise.landscapes` (2-D finite sums with a minibatch stage): see the module comment.
 * The model trials run the sgd method's trials again with Gaussian kicks, so they cost about as
 * much as GD's trials.
 */
export function noiseLandscapes(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  xStar: number[],
  noise: GradientNoise,
  sgd: MethodResult,
  targets: number[][],
  successRadius: number,
  domain: Box,
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
  // Which one the trials followed.
  const count = (finals: number[][], diverged: boolean[]) => countSuccess(finals, diverged, targets, successRadius, domain).success;
  const mA = gaussianModelFinals(fs, config, sgd, aniso, 'anisotropic');
  const mI = gaussianModelFinals(fs, config, sgd, iso, 'isotropic');
  return {
    anisotropic,
    isotropic,
    disagreement: {
      maxAbs,
      relative: range > 0 ? maxAbs / range : NaN,
      at,
      cSignDiffers: both > 0 ? signs / both : NaN,
    },
    trials: {
      trials: sgd.starts.length,
      minibatch: count(sgd.finals, sgd.divergedMask),
      anisotropic: count(mA.finals, mA.diverged),
      isotropic: count(mI.finals, mI.diverged),
      anisotropicFinals: mA.finals,
      isotropicFinals: mI.finals,
    },
    evaluations: out.evaluations,
  };
}
