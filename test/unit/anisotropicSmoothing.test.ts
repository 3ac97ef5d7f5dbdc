/**
 * Anisotropic Gaussian smoothing of a 2-D grid (src/engine/anisotropicSmoothing.ts) against closed
 * forms written here: a quadratic's Gaussian smoothing is f(x) + ½ tr(HΣ) with ∇g = ∇f, and a plane
 * wave cos(k·x) is damped by exp(−½ kᵀΣk).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eigen2, smoothGridGaussians } from '../../src/engine/anisotropicSmoothing';
import type { Loss } from '../../src/engine/types';

const xa = { lo: -3, hi: 5, n: 41 };
const ya = { lo: -2, hi: 6, n: 37 };
const gridPoint = (k: number) => {
  const ix = k % xa.n;
  const iy = Math.floor(k / xa.n);
  return [xa.lo + ((xa.hi - xa.lo) * ix) / (xa.n - 1), ya.lo + ((ya.hi - ya.lo) * iy) / (ya.n - 1)];
};
/** Σ with eigenvalues l1, l2 along the angle th. */
const rotated = (l1: number, l2: number, th: number) => {
  const c = Math.cos(th);
  const s = Math.sin(th);
  return [
    [l1 * c * c + l2 * s * s, (l1 - l2) * c * s],
    [(l1 - l2) * c * s, l1 * s * s + l2 * c * c],
  ];
};

test('eigen2: the closed form against A q = λ q', () => {
  const m = rotated(0.09, 0.004, 0.7);
  const { values, vectors } = eigen2(m);
  assert.ok(Math.abs(values[0] - 0.09) < 1e-15 && Math.abs(values[1] - 0.004) < 1e-15, String(values));
  for (const [k, q] of vectors.entries()) {
    const Aq = [m[0][0] * q[0] + m[0][1] * q[1], m[1][0] * q[0] + m[1][1] * q[1]];
    assert.ok(Math.hypot(Aq[0] - values[k] * q[0], Aq[1] - values[k] * q[1]) < 1e-15);
  }
});

test('a quadratic: g = f + ½ tr(HΣ) and ∇g = ∇f exactly, anisotropic (tilted, and rank 1) and isotropic alike', () => {
  // f(x) = ½ xᵀHx + cᵀx + 3, H not diagonal.
  const H = [
    [2, 0.8],
    [0.8, 0.5],
  ];
  const c = [0.3, -1.2];
  const f: Loss = (x) => 0.5 * (H[0][0] * x[0] * x[0] + 2 * H[0][1] * x[0] * x[1] + H[1][1] * x[1] * x[1]) + c[0] * x[0] + c[1] * x[1] + 3;
  for (const [l1, l2] of [
    [0.05, 0.002],
    [0.04, 0],
  ]) {
    const S = rotated(l1, l2, 0.6);
    const iso = ((l1 + l2) / 2) * 1;
    const Siso = [
      [iso, 0],
      [0, iso],
    ];
    const out = smoothGridGaussians(f, xa, ya, [S, Siso]);
    const shift = [S, Siso].map((m) => 0.5 * (H[0][0] * m[0][0] + 2 * H[0][1] * m[0][1] + H[1][1] * m[1][1]));
    let worst = 0;
    let worstGrad = 0;
    out.maps.forEach((map, which) => {
      for (let k = 0; k < map.values.length; k++) {
        const x = gridPoint(k);
        const want = f(Float64Array.from(x)) + shift[which];
        worst = Math.max(worst, Math.abs(map.values[k] - want));
        const gx = H[0][0] * x[0] + H[0][1] * x[1] + c[0];
        const gy = H[0][1] * x[0] + H[1][1] * x[1] + c[1];
        worstGrad = Math.max(worstGrad, Math.abs(map.gradX[k] - gx), Math.abs(map.gradY[k] - gy));
      }
    });
    // f spans about 60 on this grid; the shift ½ tr(HΣ) is about 0.04.
    assert.ok(worst < 1e-9, `g off by ${worst} (λ = ${l1}, ${l2})`);
    assert.ok(worstGrad < 1e-8, `∇g off by ${worstGrad} (λ = ${l1}, ${l2})`);
    // The two differ by exactly ½ tr(H(Σ − Σ_iso)) everywhere: the anisotropic one is not the isotropic one.
    const d = out.maps[0].values[100] - out.maps[1].values[100];
    assert.ok(Math.abs(d - (shift[0] - shift[1])) < 1e-10 && Math.abs(shift[0] - shift[1]) > 1e-3, `${d}`);
  }
});

test('a plane wave cos(k·x): damped by exp(−½ kᵀΣk), a direction with much noise against one with little', () => {
  // Period about 6 grid steps along the wave: no interpolant is exact here, so this checks the error bound's order.
  const k = [1.3, -0.9];
  const f: Loss = (x) => Math.cos(k[0] * x[0] + k[1] * x[1]);
  const S = rotated(0.3, 0.003, -0.6);
  const Siso = [
    [0.1515, 0],
    [0, 0.1515],
  ];
  const out = smoothGridGaussians(f, xa, ya, [S, Siso]);
  [S, Siso].forEach((m, which) => {
    const damp = Math.exp(-0.5 * (m[0][0] * k[0] * k[0] + 2 * m[0][1] * k[0] * k[1] + m[1][1] * k[1] * k[1]));
    const map = out.maps[which];
    let worst = 0;
    for (let i = 0; i < map.values.length; i++) {
      const [x, y] = gridPoint(i);
      const ph = k[0] * x + k[1] * y;
      worst = Math.max(
        worst,
        Math.abs(map.values[i] - damp * Math.cos(ph)),
        Math.abs(map.gradX[i] + damp * Math.sin(ph) * k[0]) / Math.hypot(k[0], k[1]),
        Math.abs(map.gradY[i] + damp * Math.sin(ph) * k[1]) / Math.hypot(k[0], k[1]),
      );
    }
    assert.ok(worst < 1e-6, `covariance ${which}: off by ${worst} (damping ${damp})`);
  });
  // The two really differ: with the same trace, the anisotropic kernel damps this wave differently.
  const dA = Math.exp(-0.5 * (S[0][0] * k[0] * k[0] + 2 * S[0][1] * k[0] * k[1] + S[1][1] * k[1] * k[1]));
  const dI = Math.exp(-0.5 * 0.1515 * (k[0] * k[0] + k[1] * k[1]));
  assert.ok(Math.abs(dA - dI) > 0.05, `${dA} vs ${dI}`);
});

test('bad covariances are refused by name', () => {
  const f: Loss = (x) => x[0];
  assert.throws(() => smoothGridGaussians(f, xa, ya, []), /no covariance/);
  assert.throws(
    () =>
      smoothGridGaussians(f, xa, ya, [
        [
          [1, 0],
          [0, -1],
        ],
      ]),
    /not positive semi-definite/,
  );
  assert.throws(() => smoothGridGaussians(f, xa, ya, [rotated(0.1, 0.01, 0.3), rotated(0.1, 0.01, 1.1)]), /not diagonal in the first/);
});
