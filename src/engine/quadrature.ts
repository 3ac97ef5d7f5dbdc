/**
 * Gaussian quadrature rules for the smoothing integrals g(y) = E f(y − ηω). Pure maths: no
 * allocation after a rule is built, no imports.
 */

/** Nodes and weights of a 1-D rule. */
export interface Rule {
  nodes: Float64Array;
  weights: Float64Array;
}

/** P_n(x) and P_n'(x), from P_{k+1} = ((2k+1) x P_k − k P_{k−1}) / (k+1). */
function legendre(n: number, x: number): [number, number] {
  let p0 = 1;
  let p1 = x;
  for (let k = 1; k < n; k++) {
    const p2 = ((2 * k + 1) * x * p1 - k * p0) / (k + 1);
    p0 = p1;
    p1 = p2;
  }
  return [p1, (n * (x * p1 - p0)) / (x * x - 1)];
}

/**
 * n-point Gauss–Legendre rule on [-1, 1] (weight 1), by Newton's method on the three-term
 * recurrence started from Tricomi's asymptotic guess; accurate to a few ulps for n ≤ 1000s.
 */
export function gaussLegendre(n: number): Rule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gauss–Legendre order must be a positive integer, got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = (n + 1) >> 1;
  for (let i = 0; i < m; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const [p, dp] = legendre(n, x);
      const dx = p / dp;
      x -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
    }
    const dp = legendre(n, x)[1];
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[m - 1] = 0;
  return { nodes, weights };
}

/** Orthonormal Hermite function value p_n(z) and derivative √(2n)·p_{n−1}(z) (no overflow for large n). */
function hermite(n: number, z: number): [number, number] {
  let p1 = Math.pow(Math.PI, -0.25);
  let p2 = 0;
  for (let j = 1; j <= n; j++) {
    const p3 = p2;
    p2 = p1;
    p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
  }
  return [p1, Math.sqrt(2 * n) * p2];
}

/**
 * Gauss–Hermite rule for the standard normal: E h(Z) ≈ Σ w_i h(z_i), Z ~ N(0, 1), Σ w_i = 1.
 * Newton on the orthonormal Hermite recurrence, nodes then scaled from the physicists' weight
 * e^{−x²} to N(0, 1).
 */
export function gaussHermiteNormal(n: number): Rule {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Gauss–Hermite order must be a positive integer, got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = (n + 1) >> 1;
  let z = 0;
  for (let i = 0; i < m; i++) {
    // Initial guesses of Numerical Recipes' gauher (largest root first).
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[n - 1];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[n - 2];
    else z = 2 * z - nodes[n - 1 - i + 2];
    for (let iter = 0; iter < 200; iter++) {
      const [p, dp] = hermite(n, z);
      const dz = p / dp;
      z -= dz;
      if (Math.abs(dz) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    const dp = hermite(n, z)[1];
    nodes[n - 1 - i] = z;
    nodes[i] = -z;
    const w = 2 / (dp * dp);
    weights[n - 1 - i] = w;
    weights[i] = w;
  }
  if (n % 2 === 1) nodes[m - 1] = 0;
  // Physicists' rule → standard normal: z = √2 x, w / √π; renormalise so constants are exact.
  let sum = 0;
  for (let i = 0; i < n; i++) {
    nodes[i] *= Math.SQRT2;
    sum += weights[i];
  }
  for (let i = 0; i < n; i++) weights[i] /= sum;
  return { nodes, weights };
}

/**
 * Composite Gauss–Legendre rule on [a, b]: `panels` equal panels with an `order`-point rule each.
 * Weights sum to b − a.
 */
export function compositeGaussLegendre(a: number, b: number, panels: number, order: number): Rule {
  if (!Number.isInteger(panels) || panels < 1) throw new RangeError(`panels must be a positive integer, got ${panels}`);
  const base = gaussLegendre(order);
  const nodes = new Float64Array(panels * order);
  const weights = new Float64Array(panels * order);
  const h = (b - a) / panels;
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * h;
    for (let k = 0; k < order; k++) {
      nodes[p * order + k] = mid + 0.5 * h * base.nodes[k];
      weights[p * order + k] = 0.5 * h * base.weights[k];
    }
  }
  return { nodes, weights };
}
