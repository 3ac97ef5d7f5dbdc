/**
 * The fixed quadrature and Monte-Carlo rules of `smoothing.ts`: offsets p_k with weights W_k for
 * g(y) ≈ Σ_k W_k f(y + p_k), and offsets q_k with vector weights V_k for the exact gradient
 * identities, per dimension and noise law (see `makeSmoother` for which rule serves which).
 */
import type { NoiseKind } from './types';
import { compositeGaussLegendre, gaussHermiteNormal } from './quadrature';
import { Normal, stream } from './rng';

export interface SmootherOptions {
  /**
   * Points per panel of the Gauss–Legendre rules (1-D window, disk radius, cube axes) or per axis
   * of the 2-D Gauss–Hermite rule. Defaults: 4 (1-D window), 6 (1-D Gaussian), 10 (disk radius),
   * 8 (2-D cube), 24 (2-D Gaussian).
   */
  order?: number;
  /**
   * Widest panel of the composite Gauss–Legendre rules, in x units. Spiky losses need panels no
   * wider than their feature size (the paper's Figure 3 spline: 0.006). Defaults: a/25 (1-D
   * window), σ/8 (1-D Gaussian), a (disk radius, cube axes).
   */
  panelWidth?: number;
  /** Angular points of the 2-D disk rule (trapezoid in θ). Default 24. */
  angular?: number;
  /** Monte-Carlo points for d > 2 (rounded up to an even count: antithetic pairs). Default 512. */
  samples?: number;
  /** Seed of the Monte-Carlo rules (the stream is labelled with the law, radius and dimension). */
  seed?: string;
}

/** Gaussian tails beyond this many σ hold 2Φ(−8.5) ≈ 2e-17 of the mass: dropped. */
const GAUSS_TRUNCATION = 8.5;

/** Offsets p_k (flattened, count × dim) with scalar weights W_k. */
export interface ValueRule {
  offsets: Float64Array;
  weights: Float64Array;
  /** Monte-Carlo: offsets come in antithetic pairs (2p, 2p + 1) of equal weight. */
  antithetic?: boolean;
}

/** Offsets q_k with vector weights V_k (both count × dim): ∇g(y) = Σ_k V_k (f(y + q_k) − f(y)). */
export interface GradientRule {
  offsets: Float64Array;
  vectors: Float64Array;
}

/** Default panel width of the 1-D rules: a/25 for the window, σ/8 for the Gaussian. */
export function defaultPanelWidth1D(noise: NoiseKind, radius: number): number {
  return noise === 'gaussian' ? radius / 8 : radius / 25;
}

export function buildRules(dim: number, a: number, noise: NoiseKind, opts: SmootherOptions): { value: ValueRule; grad?: GradientRule } {
  if (dim === 1 && (noise === 'uniform' || noise === 'cube')) {
    const order = opts.order ?? 4;
    const rule = compositeGaussLegendre(-a, a, panelsFor(2 * a, opts.panelWidth ?? defaultPanelWidth1D(noise, a)), order);
    scale(rule.weights, 1 / (2 * a));
    return {
      value: { offsets: rule.nodes, weights: rule.weights },
      grad: { offsets: Float64Array.of(a, -a), vectors: Float64Array.of(1 / (2 * a), -1 / (2 * a)) },
    };
  }
  if (dim === 1 && noise === 'gaussian') {
    const order = opts.order ?? 6;
    const half = GAUSS_TRUNCATION * a;
    const rule = compositeGaussLegendre(-half, half, panelsFor(2 * half, opts.panelWidth ?? defaultPanelWidth1D(noise, a)), order);
    const w = rule.weights;
    const u = rule.nodes;
    for (let k = 0; k < w.length; k++) w[k] *= Math.exp(-0.5 * (u[k] / a) ** 2);
    normalise(w);
    const vectors = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) vectors[k] = (w[k] * u[k]) / (a * a);
    return { value: { offsets: u, weights: w }, grad: { offsets: u, vectors } };
  }
  if (dim === 2 && noise === 'uniform') return diskRules(a, opts);
  if (dim === 2 && noise === 'gaussian') {
    const gh = gaussHermiteNormal(opts.order ?? 24);
    const n = gh.nodes.length;
    const offsets = new Float64Array(2 * n * n);
    const weights = new Float64Array(n * n);
    const vectors = new Float64Array(2 * n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        offsets[2 * k] = a * gh.nodes[j];
        offsets[2 * k + 1] = a * gh.nodes[i];
        weights[k] = gh.weights[i] * gh.weights[j];
        vectors[2 * k] = (weights[k] * gh.nodes[j]) / a;
        vectors[2 * k + 1] = (weights[k] * gh.nodes[i]) / a;
      }
    }
    return { value: { offsets, weights }, grad: { offsets, vectors } };
  }
  if (dim === 2 && noise === 'cube') {
    const axis = compositeGaussLegendre(-a, a, panelsFor(2 * a, opts.panelWidth ?? a), opts.order ?? 8);
    scale(axis.weights, 1 / (2 * a));
    const n = axis.nodes.length;
    const offsets = new Float64Array(2 * n * n);
    const weights = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        offsets[2 * k] = axis.nodes[j];
        offsets[2 * k + 1] = axis.nodes[i];
        weights[k] = axis.weights[i] * axis.weights[j];
      }
    }
    // Four faces: x = ±a (∂₁) and y = ±a (∂₂), each averaged over the other coordinate.
    const gOff = new Float64Array(8 * n);
    const gVec = new Float64Array(8 * n);
    let k = 0;
    for (const [axisIdx, sign] of [
      [0, 1],
      [0, -1],
      [1, 1],
      [1, -1],
    ] as const) {
      for (let j = 0; j < n; j++, k++) {
        gOff[2 * k + axisIdx] = sign * a;
        gOff[2 * k + (1 - axisIdx)] = axis.nodes[j];
        gVec[2 * k + axisIdx] = (sign * axis.weights[j]) / (2 * a);
      }
    }
    return { value: { offsets, weights }, grad: { offsets: gOff, vectors: gVec } };
  }
  return { value: monteCarloRule(dim, a, noise, opts) };
}

/** Gauss–Legendre in r (with the r Jacobian) × trapezoid in θ; gradient on the boundary circle. */
function diskRules(a: number, opts: SmootherOptions): { value: ValueRule; grad: GradientRule } {
  const radial = compositeGaussLegendre(0, a, panelsFor(a, opts.panelWidth ?? a), opts.order ?? 10);
  const m = opts.angular ?? 24;
  if (!Number.isInteger(m) || m < 3) throw new RangeError(`angular points must be an integer ≥ 3, got ${m}`);
  const nr = radial.nodes.length;
  const offsets = new Float64Array(2 * nr * m);
  const weights = new Float64Array(nr * m);
  const cos = new Float64Array(m);
  const sin = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / m);
    sin[j] = Math.sin((2 * Math.PI * j) / m);
  }
  for (let i = 0; i < nr; i++) {
    const r = radial.nodes[i];
    // Σ_i w_i r_i = a²/2 exactly, so the weights sum to 1: (1/πa²)·w_i r_i·(2π/m).
    const wr = (2 * radial.weights[i] * r) / (a * a * m);
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      offsets[2 * k] = r * cos[j];
      offsets[2 * k + 1] = r * sin[j];
      weights[k] = wr;
    }
  }
  const gOff = new Float64Array(2 * m);
  const gVec = new Float64Array(2 * m);
  for (let j = 0; j < m; j++) {
    gOff[2 * j] = a * cos[j];
    gOff[2 * j + 1] = a * sin[j];
    gVec[2 * j] = (2 * cos[j]) / (a * m);
    gVec[2 * j + 1] = (2 * sin[j]) / (a * m);
  }
  return { value: { offsets, weights }, grad: { offsets: gOff, vectors: gVec } };
}

/** A fixed seeded sample of the noise law, in antithetic pairs ±ξ. */
function monteCarloRule(dim: number, a: number, noise: NoiseKind, opts: SmootherOptions): ValueRule {
  const pairs = Math.max(1, Math.ceil((opts.samples ?? 512) / 2));
  const rng = stream(opts.seed ?? 'smoothing', `smoothing/${noise}/${a}/${dim}`);
  const normal = new Normal(rng);
  const offsets = new Float64Array(2 * pairs * dim);
  const weights = new Float64Array(2 * pairs).fill(1 / (2 * pairs));
  const xi = new Float64Array(dim);
  for (let p = 0; p < pairs; p++) {
    if (noise === 'cube') {
      for (let j = 0; j < dim; j++) xi[j] = a * (2 * rng() - 1);
    } else {
      let n2 = 0;
      for (let j = 0; j < dim; j++) {
        xi[j] = normal.next();
        n2 += xi[j] * xi[j];
      }
      // Uniform ball: uniform direction × radius a·U^{1/d}; Gaussian: σ·Z.
      const s = noise === 'uniform' ? (a * Math.pow(rng(), 1 / dim)) / Math.sqrt(n2) : a;
      for (let j = 0; j < dim; j++) xi[j] *= s;
    }
    for (let j = 0; j < dim; j++) {
      offsets[2 * p * dim + j] = xi[j];
      offsets[(2 * p + 1) * dim + j] = -xi[j];
    }
  }
  return { offsets, weights, antithetic: true };
}

function panelsFor(length: number, width: number): number {
  if (!(width > 0)) throw new RangeError(`panel width must be > 0, got ${width}`);
  return Math.max(1, Math.ceil(length / width - 1e-9));
}

function scale(a: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= s;
}

function normalise(a: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i];
  scale(a, 1 / sum);
}
