/**
 * The engine's one local descent (src/engine/descent.ts), where its callers' tests do not reach:
 * a trial point where f is −∞ is never taken (by any of the three directions), and damped Newton
 * keeps its points in the box. Oracles: the losses' closed forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dampedNewton, descend, steepestDescent, type LocalQuadratic } from '../../src/engine/descent';
import type { Gradient, Loss } from '../../src/engine/types';

/** f = −x below 2, −∞ from 2 on: a descent along +x whose long steps land where f is −∞. */
const cliff: Loss = (x) => (x[0] < 2 ? -x[0] : -Infinity);
const cliffGrad: Gradient = (_x, out) => {
  out[0] = -1;
};
/** f″ = 0 and f′ = −1 below 2: the model of the cliff for damped Newton (gradient step −∇f/ρ with ρ = 0 → unit scale). */
const cliffModel = (x: Float64Array): LocalQuadratic => ({ f0: cliff(x), g: [-1, 0], a: 0, b: 0, c: 0, hi: 0, lo: 0 });

test('a step that lands where f is −∞ is refused: every descent ends below the cliff at 2 with a finite f', () => {
  const steep = steepestDescent(cliff, cliffGrad, [0], 5, 50);
  const lbfgs = descend(cliff, cliffGrad, [0], 50);
  const newton = dampedNewton(cliff, cliffModel, [0], { low: [-10], high: [10] }, 50, 30);
  for (const [name, x, f] of [
    ['steepest', steep.x[0], steep.fx],
    ['L-BFGS', lbfgs.x[0], lbfgs.f],
    ['Newton', newton.x[0], newton.q.f0],
  ] as const) {
    assert.ok(x < 2 && x > 0, `${name}: x = ${x}`);
    assert.equal(f, -x, `${name}: f = −x there`);
  }
});

test('damped Newton stays in the box: f = (x − 3)² from 0 in [−1, 1] ends on the edge x = 1, with the model there', () => {
  const f: Loss = (x) => (x[0] - 3) ** 2;
  const model = (x: Float64Array): LocalQuadratic => ({ f0: f(x), g: [2 * (x[0] - 3), 0], a: 2, b: 0, c: 0, hi: 2, lo: 2 });
  const r = dampedNewton(f, model, [0], { low: [-1], high: [1] }, 40, 30);
  assert.equal(r.x[0], 1);
  assert.equal(r.q.f0, 4);
});
