/** Colour scales of the f and g maps (webview/shared/valueScale.ts) against closed forms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoScale, valueScale } from '../../webview/shared/valueScale';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);
const linspace = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
/** Values of f on an n × n grid over [lo, hi]². */
const grid = (lo: number, hi: number, n: number, f: (x: number, y: number) => number) =>
  linspace(lo, hi, n).flatMap((y) => linspace(lo, hi, n).map((x) => f(x, y)));

test('auto: log for Rosenbrock (0 … 10⁴, a narrow valley), linear for the sphere and Rastrigin', () => {
  const rosenbrock = grid(-2, 2, 101, (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2);
  const sphere = grid(-3, 3, 101, (x, y) => x * x + y * y);
  const rastrigin = grid(-5.12, 5.12, 101, (x, y) => 20 + x * x + y * y - 10 * (Math.cos(2 * Math.PI * x) + Math.cos(2 * Math.PI * y)));
  assert.equal(autoScale(rosenbrock), 'log');
  assert.equal(autoScale(sphere), 'linear');
  assert.equal(autoScale(rastrigin), 'linear');
  // The rule itself: 100 values, the lower tenth within 1% of the 98% top → log; just above → linear.
  const at = (tenth: number) => [0, ...Array(10).fill(tenth), ...linspace(50, 100, 89)];
  assert.equal(autoScale(at(0.99)), 'log');
  assert.equal(autoScale(at(1.01)), 'linear');
  assert.equal(autoScale([]), 'linear');
  assert.equal(autoScale([3, 3, 3]), 'linear');
  assert.equal(valueScale(rosenbrock, 'auto').kind, 'log');
  assert.equal(valueScale(rosenbrock, 'linear').kind, 'linear');
});

test('linear: least value to the 98% top, clamped', () => {
  const v = linspace(0, 99, 100); // top: index ceil(0.98 · 99) = 98 → 98
  const s = valueScale([...v, NaN, Infinity], 'linear');
  assert.equal(s.min, 0);
  assert.equal(s.max, 98);
  close(s.at(49), 0.5);
  assert.equal(s.at(99), 1);
  assert.equal(s.at(-5), 0);
  assert.deepEqual(
    s.ticks.map((k) => k.label),
    ['0', '20', '40', '60', '80'],
  );
  close(s.ticks[1]!.t, 20 / 98);
});

test('log: t = log(1 + u/δ) / log(1 + U/δ) with δ = U/10⁴; ticks at powers of ten above the minimum', () => {
  // Values 0 … 1000 (top 98% = 1000 with 2 values): δ = 0.1.
  const s = valueScale([0, 1000], 'log');
  assert.equal(s.kind, 'log');
  const T = (u: number) => Math.log(1 + u / 0.1) / Math.log(1 + 1e4);
  close(s.at(0), 0);
  close(s.at(1000), 1);
  for (const u of [0.05, 1, 10, 100, 999]) close(s.at(u), T(u));
  // One decade is the same colour distance anywhere above ~10δ: t(100) − t(10) ≈ t(1000) − t(100).
  assert.ok(Math.abs(s.at(100) - s.at(10) - (s.at(1000) - s.at(100))) < 0.01);
  assert.deepEqual(
    s.ticks.map((k) => k.label),
    ['0', '1', '10', '100', '1000'],
  );
  for (const k of s.ticks.slice(1)) close(k.t, T(Number(k.label)));
  // Above a minimum that is not 0: the same shape, ticks say "+10^k".
  const shifted = valueScale([-3, 997], 'log');
  close(shifted.at(7), T(10));
  assert.deepEqual(
    shifted.ticks.map((k) => k.label),
    ['−3', '+1', '+10', '+100', '+1000'],
  );
});

test('rank: the fraction of values below; every colour covers as many cells', () => {
  const v = [5, 1, 1000, 2, 3, 4, 1e6, 0, 6, 7, 8];
  const s = valueScale(v, 'rank');
  // sorted: 0 1 2 3 4 5 6 7 8 1000 1e6 (n = 11): t(x) = #{values < x} / 10
  assert.equal(s.at(0), 0);
  close(s.at(5), 0.5);
  assert.equal(s.at(1e6), 1);
  close(s.at(4.5), 0.5);
  close(s.at(1000), 0.9);
  assert.deepEqual(
    s.ticks.map((k) => [k.t, k.label]),
    [
      [0, '0'],
      [0.25, '3'],
      [0.5, '5'],
      [0.75, '8'],
      [1, '1e6'],
    ],
  );
  // A map without finite values is drawn as nothing special.
  assert.equal(valueScale([NaN], 'rank').at(1), 0);
});

test('contour levels: evenly spaced in colour, in closed form for each scale', () => {
  // 0 … 100 in steps of 1: min 0, 98% top = 98.
  const values = Array.from({ length: 101 }, (_, i) => i);
  const lin = valueScale(values, 'linear');
  assert.deepEqual(
    lin.levels(3).map((v) => Number(v.toFixed(9))),
    [24.5, 49, 73.5],
  );
  // Log: U = 98, δ = U/10⁴; the level at t is δ((1 + U/δ)^t − 1); t = 1/2 → δ(√10001 − 1).
  const log = valueScale(values, 'log');
  const delta = 98 / 1e4;
  const mid = log.levels(1)[0]!;
  assert.ok(Math.abs(mid - delta * (Math.sqrt(10001) - 1)) < 1e-9, `log middle level ${mid}`);
  for (const [k, v] of log.levels(4).entries()) assert.ok(Math.abs(log.at(v) - (k + 1) / 5) < 1e-9);
  // Rank: quantiles (nearest rank) of the values.
  assert.deepEqual(valueScale(values, 'rank').levels(3), [25, 50, 75]);
  assert.deepEqual(valueScale([2, 2, 2], 'linear').levels(3), []);
});
