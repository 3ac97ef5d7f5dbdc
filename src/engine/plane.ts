/**
 * For d > 2: f, the smoothed g and c(y) on a 2-D plane through x*, x* + αu + βv, with the sampled
 * SGD paths and the finals projected onto it (issue 14), and for a minibatch run the finals of the
 * model trials (`gradientNoise.modelTrials`: the same stages with Gaussian kicks N(0, η²C(x*)) and
 * N(0, σ²I) instead of the batches). The two directions:
 *
 * - a minibatch run (the measured gradient-noise covariance C(x*) is known, d ≤ 64): the top two
 *   eigenvectors of C(x*), unit length — the plane the noise kicks the iterates in most;
 * - else the first two `sliceDirections` when at least two are configured (normalised);
 * - else two seeded Gaussian directions, filter-normalised as Li et al. (NeurIPS 2018) do: each
 *   filter of a direction is scaled to the norm of the same filter of x*. A loss file gives no
 *   layer structure, so the whole parameter vector is one filter: each direction gets ‖x*‖'s norm
 *   (unit norm when x* is 0). They are not orthogonalised (Li et al. do not either); the paths are
 *   projected by least squares in the plane's own coordinates.
 *
 * g on the plane is a seeded Monte-Carlo mean over `PLANE_SAMPLES` kicks in antithetic pairs, the
 * same kicks at every plane point (common random numbers), with its standard error: for each
 * stage's isotropic law (uniform ball, cube, Gaussian of the stage's radius), and for a minibatch
 * run the Gaussian of the measured covariance η²C(x*) and the isotropic Gaussian of the same trace.
 * Because the kicks are common, g is a smooth function of (α, β) and its in-plane gradient is taken
 * by central differences of the grid (second-order one-sided ones on the edge): for a quadratic f
 * the Monte-Carlo g is itself quadratic in (α, β) and the differences, so c(y), are exact.
 * c(y) = ⟨−∇g(y), x* − y⟩/‖x* − y‖² needs only the in-plane part of ∇g, since x* − y lies in the
 * plane: with y = x* + αu + βv, c = (α ∂_α g + β ∂_β g)/‖αu + βv‖². At x* it is the limit
 * min over in-plane directions s of sᵀH s / sᵀG s (H the plane Hessian of g, G = [[u·u, u·v], [u·v, v·v]]).
 */
import type { GradientNoise, Loss, MethodResult, NoiseKind, NoiseModelTrials, PlaneSmoothing, RunConfig, SlicePlane } from './types';
import { EIGEN_MAX_DIM, symmetricEigen } from './gradientNoise';
import { smoothingRadii } from './schedule';
import { inBox } from './geometry';
import { linspace } from './landscape';
import { Normal, stream } from './rng';
import { planeDirections, projectOntoPlane } from './planeGeometry';

export { planeDirections, projectOntoPlane };

/** Plane grid points per axis. */
export const PLANE_RESOLUTION = 33;
/** Monte-Carlo kicks per value of g on the plane (antithetic pairs). */
export const PLANE_SAMPLES = 32;

/** One smoothing law on the plane: how its kicks are drawn. */
interface PlaneLaw {
  smoothing: Pick<PlaneSmoothing, 'kind' | 'noise' | 'radius' | 'covariance'>;
  /** Fills `out` with one kick (x-space); its negative is the pair's other half. */
  draw(rng: () => number, normal: Normal, out: Float64Array): void;
}

/** The laws smoothed on the plane: every stage's isotropic law, and for a minibatch run the measured and isotropic Gaussians. */
export function planeLaws(config: RunConfig, noise?: GradientNoise): PlaneLaw[] {
  const d = config.dim;
  const laws: PlaneLaw[] = smoothingRadii(config).map(({ radius, noise: kind }) => ({
    smoothing: { kind: 'stage', noise: kind, radius },
    draw: isotropicDraw(kind, radius, d),
  }));
  if (noise && noise.covariance.length === d && noise.covariance.flat().every(Number.isFinite)) {
    if (d <= EIGEN_MAX_DIM) {
      // z = Q √Λ ξ with η²C = Q Λ Qᵀ (negative rounding in Λ clipped to 0).
      const eta2 = noise.lr * noise.lr;
      const cov = noise.covariance.map((r) => r.map((c) => eta2 * c));
      const { values, vectors } = symmetricEigen(cov);
      const roots = values.map((l) => Math.sqrt(Math.max(0, l)));
      laws.push({
        smoothing: { kind: 'measured', noise: 'gaussian', radius: noise.equivalentRadius, covariance: cov },
        draw: (_rng, normal, out) => {
          out.fill(0);
          for (let k = 0; k < d; k++) {
            const s = roots[k] * normal.next();
            const q = vectors[k];
            for (let j = 0; j < d; j++) out[j] += s * q[j];
          }
        },
      });
    }
    laws.push({
      smoothing: { kind: 'isotropic', noise: 'gaussian', radius: noise.isotropicSigma },
      draw: isotropicDraw('gaussian', noise.isotropicSigma, d),
    });
  }
  return laws;
}

/** Kicks of an isotropic law of x-space radius a: uniform in the d-ball, uniform in the cube [−a, a]^d, or N(0, a²I). */
function isotropicDraw(kind: NoiseKind, a: number, d: number): PlaneLaw['draw'] {
  if (kind === 'cube') {
    return (rng, _normal, out) => {
      for (let j = 0; j < d; j++) out[j] = a * (2 * rng() - 1);
    };
  }
  if (kind === 'gaussian') {
    return (_rng, normal, out) => {
      for (let j = 0; j < d; j++) out[j] = a * normal.next();
    };
  }
  // Uniform in the ball: a Gaussian direction and radius a·U^{1/d}.
  return (rng, normal, out) => {
    let n = 0;
    for (let j = 0; j < d; j++) {
      out[j] = normal.next();
      n += out[j] * out[j];
    }
    const r = (a * Math.pow(rng(), 1 / d)) / Math.sqrt(n);
    for (let j = 0; j < d; j++) out[j] *= r;
  };
}

/**
 * ∂_α and ∂_β of a grid g[iβ][iα] with steps hα, hβ: central differences inside, second-order
 * one-sided ones on the edge (exact for quadratics); NaN where a needed value is not finite.
 */
export function gridPartials(g: readonly (readonly number[])[], ha: number, hb: number): { da: number[][]; db: number[][] } {
  const nb = g.length;
  const na = g[0]?.length ?? 0;
  const diff = (at: (k: number) => number, k: number, n: number, h: number): number => {
    if (n < 3) return n === 2 ? (at(1) - at(0)) / h : NaN;
    if (k === 0) return (-3 * at(0) + 4 * at(1) - at(2)) / (2 * h);
    if (k === n - 1) return (3 * at(n - 1) - 4 * at(n - 2) + at(n - 3)) / (2 * h);
    return (at(k + 1) - at(k - 1)) / (2 * h);
  };
  const da: number[][] = [];
  const db: number[][] = [];
  for (let j = 0; j < nb; j++) {
    const ra: number[] = [];
    const rb: number[] = [];
    for (let i = 0; i < na; i++) {
      ra.push(diff((k) => g[j][k], i, na, ha));
      rb.push(diff((k) => g[k][i], j, nb, hb));
    }
    da.push(ra);
    db.push(rb);
  }
  return { da, db };
}

/**
 * c(y) on the plane grid from ∂_α g, ∂_β g (see the module comment), and at the origin's grid point
 * (if any) its limit from the plane Hessian of g by second differences.
 */
export function planeConvexity(
  g: readonly (readonly number[])[],
  alpha: readonly number[],
  beta: readonly number[],
  u: readonly number[],
  v: readonly number[],
): number[][] {
  const ha = alpha.length > 1 ? alpha[1] - alpha[0] : 1;
  const hb = beta.length > 1 ? beta[1] - beta[0] : 1;
  const { da, db } = gridPartials(g, ha, hb);
  let uu = 0;
  let uv = 0;
  let vv = 0;
  for (let j = 0; j < u.length; j++) {
    uu += u[j] * u[j];
    uv += u[j] * v[j];
    vv += v[j] * v[j];
  }
  const out: number[][] = [];
  for (let jb = 0; jb < beta.length; jb++) {
    const row: number[] = [];
    for (let ia = 0; ia < alpha.length; ia++) {
      const a = alpha[ia];
      const b = beta[jb];
      const n2 = a * a * uu + 2 * a * b * uv + b * b * vv;
      row.push(n2 > 0 ? (a * da[jb][ia] + b * db[jb][ia]) / n2 : NaN);
    }
    out.push(row);
  }
  // The origin: c → min over s of sᵀHs / sᵀGs, the smaller root of det(H − λG) = 0.
  const ia = alpha.findIndex((x) => x === 0);
  const jb = beta.findIndex((x) => x === 0);
  if (ia > 0 && ia < alpha.length - 1 && jb > 0 && jb < beta.length - 1) {
    const at = (dj: number, di: number) => g[jb + dj][ia + di];
    const haa = (at(0, 1) - 2 * at(0, 0) + at(0, -1)) / (ha * ha);
    const hbb = (at(1, 0) - 2 * at(0, 0) + at(-1, 0)) / (hb * hb);
    const hab = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * ha * hb);
    // det(H − λG) = Aλ² + Bλ + C.
    const A = uu * vv - uv * uv;
    const B = -(haa * vv + hbb * uu - 2 * hab * uv);
    const C = haa * hbb - hab * hab;
    const disc = Math.sqrt(Math.max(0, B * B - 4 * A * C));
    out[jb][ia] = (-B - disc) / (2 * A);
  }
  return out;
}

/** Everything `planeDiagnostics` needs from the run. */
export interface PlaneInputs {
  loss: Loss;
  config: RunConfig;
  xStar: readonly number[];
  /** The `sgd` method: its sampled paths and finals are projected. */
  sgd: MethodResult;
  noise?: GradientNoise;
  /** Grid points per axis and kicks per value (defaults `PLANE_RESOLUTION`, `PLANE_SAMPLES`). */
  resolution?: number;
  samples?: number;
}

/**
 * The plane through x* (d > 2): directions, f, g and c(y) per law on a square grid in (α, β) wide
 * enough for the sgd method's projected paths and finals (10% margin), and the projections
 * themselves. The model trials' finals come later (`projectModelFinals`): they run after the
 * diagnostics, on the pool, and do not widen the grid.
 */
export function planeDiagnostics(inp: PlaneInputs): SlicePlane | undefined {
  const { loss, config, xStar, sgd, noise } = inp;
  const d = config.dim;
  if (d <= 2 || xStar.length !== d) return undefined;
  const n = inp.resolution ?? PLANE_RESOLUTION;
  const K = 2 * Math.ceil((inp.samples ?? PLANE_SAMPLES) / 2);
  const { source, directions, eigenvalues } = planeDirections(config, xStar, noise);
  const [u, v] = directions;

  // Projections of the sampled paths (of trials that did not diverge) and of every final.
  const offs: number[] = [];
  let extent = 0;
  const project = (x: readonly number[], keep: boolean): number[] => {
    if (!x.every(Number.isFinite)) return [NaN, NaN];
    const p = projectOntoPlane(x, xStar as number[], u, v);
    if (keep) {
      extent = Math.max(extent, Math.abs(p.alpha), Math.abs(p.beta));
      if (Number.isFinite(p.offPlane)) offs.push(p.offPlane);
    }
    return [p.alpha, p.beta];
  };
  const paths = sgd.paths.map((path, k) => {
    const ok = !sgd.divergedMask[sgd.pathTrials[k]];
    return path.map((x) => project(x, ok));
  });
  const finals = sgd.finals.map((x, i) => project(x, !sgd.divergedMask[i]));
  if (!(extent > 0) || !Number.isFinite(extent)) {
    const widths = config.domain.high.map((h, j) => h - config.domain.low[j]);
    extent = source === 'filter-normalized' ? 1 : 0.5 * Math.min(...widths);
  } else extent *= 1.1;
  const alpha = linspace(-extent, extent, n);
  const beta = alpha.slice();
  // The grid is symmetric: the middle point is exactly 0 for odd n.
  if (n % 2 === 1) alpha[(n - 1) / 2] = beta[(n - 1) / 2] = 0;

  const point = (a: number, b: number, out: Float64Array) => {
    for (let j = 0; j < d; j++) out[j] = xStar[j] + a * u[j] + b * v[j];
    return out;
  };
  const p = new Float64Array(d);
  const f: number[][] = beta.map((b) => alpha.map((a) => loss(point(a, b, p))));
  const inInit: boolean[][] = beta.map((b) => alpha.map((a) => inBox(point(a, b, p), config.init)));
  // A plane through an x* outside the start box (d > 2, x* found by descent) may miss the box: then
  // inf c(y) is taken over the whole grid, which spans the projected paths and finals.
  const region: SlicePlane['region'] = inInit.some((r) => r.some(Boolean)) ? 'init' : 'grid';
  const inside = region === 'init' ? inInit : inInit.map((r) => r.map(() => true));

  const smoothed = planeLaws(config, noise).map((law, k) => {
    // The kicks, drawn once and shared by every plane point.
    const rng = stream(config.seed, `plane/${k}/${law.smoothing.kind}/${law.smoothing.noise}/${law.smoothing.radius}`);
    const normal = new Normal(rng);
    const kicks = new Float64Array((K / 2) * d);
    const z = new Float64Array(d);
    for (let s = 0; s < K / 2; s++) {
      law.draw(rng, normal, z);
      kicks.set(z, s * d);
    }
    const q = new Float64Array(d);
    const values: number[][] = [];
    const stdError: number[][] = [];
    for (let jb = 0; jb < n; jb++) {
      const vr: number[] = [];
      const er: number[] = [];
      for (let ia = 0; ia < n; ia++) {
        point(alpha[ia], beta[jb], p);
        let sum = 0;
        let sum2 = 0;
        for (let s = 0; s < K / 2; s++) {
          const o = s * d;
          for (let j = 0; j < d; j++) q[j] = p[j] + kicks[o + j];
          const a = loss(q);
          for (let j = 0; j < d; j++) q[j] = p[j] - kicks[o + j];
          const m = 0.5 * (a + loss(q));
          sum += m;
          sum2 += m * m;
        }
        const pairs = K / 2;
        const mean = sum / pairs;
        vr.push(mean);
        er.push(Math.sqrt(Math.max(0, sum2 / pairs - mean * mean) / Math.max(1, pairs - 1)));
      }
      values.push(vr);
      stdError.push(er);
    }
    const convexity = planeConvexity(values, alpha, beta, u, v);
    return { ...law.smoothing, values, stdError, convexity, ...regionOf(convexity, inside, alpha, beta) };
  });

  offs.sort((a, b) => a - b);
  const offPlane = offs.length ? offs[Math.floor((offs.length - 1) / 2)] : NaN;
  return {
    source,
    directions: [[...u], [...v]],
    ...(eigenvalues ? { eigenvalues } : {}),
    origin: [...xStar],
    alpha,
    beta,
    f,
    smoothed,
    samples: K,
    region,
    paths,
    pathTrials: [...sgd.pathTrials],
    finals,
    offPlane,
  };
}

/** inf c over the plane points inside the init box, where, and the fraction of them with c > 0. */
function regionOf(
  c: number[][],
  inside: boolean[][],
  alpha: readonly number[],
  beta: readonly number[],
): Pick<PlaneSmoothing, 'c' | 'argInf' | 'positiveFraction'> {
  let inf = Infinity;
  let argInf: number[] = [];
  let count = 0;
  let positive = 0;
  for (let jb = 0; jb < beta.length; jb++) {
    for (let ia = 0; ia < alpha.length; ia++) {
      const x = c[jb][ia];
      if (!inside[jb][ia] || !Number.isFinite(x)) continue;
      count++;
      if (x > 0) positive++;
      if (x < inf) {
        inf = x;
        argInf = [alpha[ia], beta[jb]];
      }
    }
  }
  return count ? { c: inf, argInf, positiveFraction: positive / count } : { c: NaN, argInf: [], positiveFraction: NaN };
}

/**
 * The model trials' finals (`gradientNoise.modelTrials`) projected onto the plane like the sgd
 * method's, trial by trial ([NaN, NaN] for a diverged one). Set on the plane once the model trials
 * are in (the one-thread `finishRun` and the pool alike); the grid stays the sgd method's, so a
 * model final may lie outside it (`planeText` counts those).
 */
export function projectModelFinals(
  plane: Pick<SlicePlane, 'origin' | 'directions'>,
  modelTrials: Pick<NoiseModelTrials, 'anisotropicFinals' | 'isotropicFinals'>,
): NonNullable<SlicePlane['modelFinals']> {
  const [u, v] = plane.directions;
  const project = (x: readonly number[]): number[] => {
    if (!x.every(Number.isFinite)) return [NaN, NaN];
    const p = projectOntoPlane(x, plane.origin, u, v);
    return [p.alpha, p.beta];
  };
  return { anisotropic: modelTrials.anisotropicFinals.map(project), isotropic: modelTrials.isotropicFinals.map(project) };
}
