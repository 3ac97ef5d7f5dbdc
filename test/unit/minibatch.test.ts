/**
 * Minibatch SGD (noise "minibatch"): the batches (distinct indices, inclusion frequency B/n,
 * shuffle epochs), one step against the mean gradient of the recorded batch by hand, B = n equal
 * to GD bit for bit, the same numbers however the trials are split, and the settings' errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawBatch, newSampler, resetSampler } from '../../src/engine/minibatch';
import { stream } from '../../src/engine/rng';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { ConfigError, resolveConfig } from '../../src/engine/config';
import { mergeMethodResults, runTrials } from '../../src/engine/sgd';
import type { RunConfigInput } from '../../src/engine/types';

test('uniform batches: B distinct indices each step, each example included with frequency B/n', () => {
  const n = 10;
  const B = 3;
  const S = 20_000;
  const s = newSampler(n);
  const rng = stream('freq', 'x');
  const count = new Array<number>(n).fill(0);
  for (let t = 0; t < S; t++) {
    drawBatch(s, B, false, rng);
    const batch = Array.from(s.batch.subarray(s.from, s.from + B));
    assert.equal(new Set(batch).size, B, `step ${t}: ${batch}`);
    for (const i of batch) {
      assert.ok(i >= 0 && i < n);
      count[i]++;
    }
  }
  // Steps are independent: each count is Binomial(S, p), p = B/n; 5 standard deviations.
  const p = B / n;
  const sd = Math.sqrt(S * p * (1 - p));
  for (let i = 0; i < n; i++)
    assert.ok(Math.abs(count[i] - S * p) < 5 * sd, `example ${i}: ${count[i]} of ${S} (expected ${S * p} ± ${sd})`);
});

test('shuffle batches: each epoch a fresh permutation walked in batches of B, the n mod B left over skipped', () => {
  const n = 10;
  const B = 3;
  const s = newSampler(n);
  const rng = stream('shuffle', 'x');
  const firsts: number[][] = [];
  for (let epoch = 0; epoch < 200; epoch++) {
    const seen: number[] = [];
    for (let b = 0; b < 3; b++) {
      drawBatch(s, B, true, rng);
      seen.push(...s.batch.subarray(s.from, s.from + B));
    }
    assert.equal(new Set(seen).size, 9, `epoch ${epoch}: ${seen}`);
    firsts.push(seen);
  }
  // Fresh permutations: the epochs differ (200 equal ones would have probability 0).
  assert.ok(new Set(firsts.map((e) => e.join())).size > 190);
  resetSampler(s);
  assert.deepEqual(Array.from(s.perm), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

/** Least squares ℓ(w, (t, y)) = ½(w₀ + w₁t − y)², with a log of the examples whose gradient was taken. */
const T = [-1, -0.5, 0, 0.25, 1.5, 0.7, -0.2, 2];
const Y = [0.3, -1, 2, 0.5, 4, 1, 0, -1];
function regression(withGradient: boolean, log?: number[]): FiniteSum {
  return {
    n: T.length,
    example: (w, i) => 0.5 * (w[0] + w[1] * T[i] - Y[i]) ** 2,
    ...(withGradient
      ? {
          exampleGradient: (w: Float64Array, i: number, out: Float64Array) => {
            log?.push(i);
            const r = w[0] + w[1] * T[i] - Y[i];
            out[0] = r;
            out[1] = r * T[i];
          },
        }
      : {}),
  };
}
const config = (input: RunConfigInput) =>
  resolveConfig({ function: 'f', trials: 6, seed: 'mb', init: { low: [-2, -2], high: [2, 2] }, ...input }, { dim: 2, examples: T.length });

test('one step is x − η·(mean gradient of the drawn batch), the batch B distinct examples', () => {
  const log: number[] = [];
  const fs = regression(true, log);
  const c = config({ trials: 1, lr: 0.3, steps: 1, noise: 'minibatch', batchSize: 3, compareGd: false });
  const r = runTrials(finiteSumLoss(fs), finiteSumGradient(fs, 0), c, 'sgd', 0, 1);
  const batch = log.slice(0, 3);
  assert.equal(new Set(batch).size, 3);
  const x0 = r.starts[0];
  const g = [0, 0];
  for (const i of batch) {
    const res = x0[0] + x0[1] * T[i] - Y[i];
    g[0] += res / 3;
    g[1] += (res * T[i]) / 3;
  }
  const x1 = [x0[0] - 0.3 * g[0], x0[1] - 0.3 * g[1]];
  assert.ok(Math.abs(r.finalX[0][0] - x1[0]) < 1e-14 && Math.abs(r.finalX[0][1] - x1[1]) < 1e-14, `${r.finalX[0]} vs ${x1}`);
  // The stochastic-gradient norm at the checkpoint of step 0 is the batch gradient's.
  assert.ok(Math.abs(r.stochasticGradNorm[0][0] - Math.hypot(g[0], g[1])) < 1e-14);
});

test('B = n is exactly GD: identical finals (uniform and shuffle, user and difference gradients)', () => {
  for (const withGradient of [true, false]) {
    for (const sampling of ['uniform', 'shuffle'] as const) {
      const fs = regression(withGradient);
      const loss = finiteSumLoss(fs);
      const grad = finiteSumGradient(fs, 0);
      const c = config({ lr: 0.2, steps: 60, noise: 'minibatch', batchSize: T.length, sampling });
      const sgd = runTrials(loss, grad, c, 'sgd', 0, c.trials);
      const gd = runTrials(loss, grad, c, 'gd', 0, c.trials);
      assert.deepEqual(sgd.finals, gd.finals, `${sampling}, gradient ${withGradient}`);
      assert.deepEqual(sgd.finalX, gd.finalX);
      // B < n is not GD (so the comparison above can fail).
      const c4 = config({ lr: 0.2, steps: 60, noise: 'minibatch', batchSize: 4, sampling });
      const sgd4 = runTrials(loss, grad, c4, 'sgd', 0, c4.trials);
      assert.notDeepEqual(sgd4.finals, gd.finals);
    }
  }
});

test('the same seed gives the same batches however the trials are split', () => {
  for (const sampling of ['uniform', 'shuffle'] as const) {
    const fs = regression(true);
    const loss = finiteSumLoss(fs);
    const grad = finiteSumGradient(fs, 0);
    const c = config({ lr: 0.1, steps: 40, noise: 'minibatch', batchSize: 3, sampling });
    const whole = runTrials(loss, grad, c, 'sgd', 0, 6);
    const parts = mergeMethodResults([
      runTrials(loss, grad, c, 'sgd', 0, 2),
      runTrials(loss, grad, c, 'sgd', 2, 5),
      runTrials(loss, grad, c, 'sgd', 5, 6),
    ]);
    assert.deepEqual(parts.finals, whole.finals);
    assert.deepEqual(parts.checkpoints, whole.checkpoints);
    // Momentum draws the same batches from the same stream too (and SAM's two gradients share one).
    const m = resolveConfig(
      {
        function: 'f',
        trials: 4,
        seed: 'mb',
        lr: 0.1,
        steps: 30,
        noise: 'minibatch',
        batchSize: 3,
        sampling,
        methods: [{ name: 'M', optimizer: { kind: 'sam' } }],
      },
      { dim: 2, examples: T.length },
    );
    const a = runTrials(loss, grad, m, m.methods[0], 0, 4);
    const b = mergeMethodResults([runTrials(loss, grad, m, m.methods[0], 0, 1), runTrials(loss, grad, m, m.methods[0], 1, 4)]);
    assert.deepEqual(b.finals, a.finals);
  }
});

const problems = (input: RunConfigInput, examples: number | null = T.length, base?: RunConfigInput): string => {
  try {
    resolveConfig({ function: 'f', ...input }, { dim: 2, examples, base });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  return '';
};

test('settings: radius with minibatch, batchSize missing or above n, no finite sum, batchSize without minibatch', () => {
  assert.match(problems({ noise: 'minibatch', batchSize: 2, radius: 0.3 }), /^radius: does not apply to noise "minibatch" .*got 0\.3/);
  assert.match(
    problems({ stages: [{ lr: 0.1, steps: 5, noise: 'minibatch', batchSize: 2, radius: 0.1 }] }),
    /^stages\[0\]\.radius: does not apply to noise "minibatch"/,
  );
  assert.match(problems({ noise: 'minibatch' }), /stages\[0\]\.batchSize: is required with noise "minibatch": an integer in \[1, 8\]/);
  assert.match(problems({ noise: 'minibatch', batchSize: 9 }), /batchSize: must be at most the number of examples n = 8, got 9/);
  assert.match(
    problems({ noise: 'minibatch', batchSize: 2 }, null),
    /noise: "minibatch" needs a finite-sum loss: f with a trailing example parameter and fOptions\.data/,
  );
  assert.match(
    problems({ noise: 'uniform', batchSize: 2 }),
    /^batchSize: applies only to noise "minibatch"; this stage's noise is "uniform"/,
  );
  assert.match(problems({ noise: 'minibatch', batchSize: 2, sampling: 'random' as never }), /sampling: must be one of uniform, shuffle/);
  // The table's radius and the editor's settings' radius are not "given": the stage just has none.
  assert.equal(problems({ noise: 'minibatch', batchSize: 2 }, T.length, { radius: 0.5, noise: 'uniform' }), '');
  const c = resolveConfig({ function: 'f', noise: 'minibatch', batchSize: 2 }, { dim: 2, examples: 8 });
  assert.deepEqual([c.stages[0].radius, c.stages[0].batchSize, c.stages[0].sampling], [0, 2, 'uniform']);
  // The resolved config fed back as input resolves to itself (RESULT.json's config repeats the run).
  assert.deepEqual(resolveConfig(c as unknown as RunConfigInput, { dim: 2, examples: 8 }), c);
  // A minibatch schedule below, switched to another noise above: its batchSize is dropped.
  const d = resolveConfig({ function: 'f', noise: 'uniform' }, { dim: 2, examples: 8, base: { noise: 'minibatch', batchSize: 2 } });
  assert.equal(d.stages[0].batchSize, undefined);
});
