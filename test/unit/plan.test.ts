/** The experiment plan (src/runner/plan.ts): how a run is cut into pool tasks, without threads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressTally, landscapeBlocks, split, trialChunks, weights } from '../../src/runner/plan';
import { resolveConfig } from '../../src/engine/config';
import { smoothGrid } from '../../src/engine/gridSmoothing';
import type { RunConfigInput } from '../../src/engine/types';

const cfg = (input: Partial<RunConfigInput>, dim = 1) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });

/** The ranges tile [0, count) in order. */
function assertTiles(ranges: ReadonlyArray<readonly [number, number]>, count: number): void {
  assert.equal(ranges[0][0], 0);
  assert.equal(ranges.at(-1)![1], count);
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i][0], ranges[i - 1][1]);
}

test('split: k contiguous ranges in order, sizes within one of each other', () => {
  for (const [count, k] of [
    [10, 3],
    [7, 7],
    [1000, 8],
    [5, 1],
  ]) {
    const r = split(count, k);
    assert.equal(r.length, k);
    assertTiles(r, count);
    const sizes = r.map(([a, b]) => b - a);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${count}/${k}: ${sizes}`);
  }
});

test('trial chunks: one per worker for short runs, up to 4 per worker (≥ 8 trials, ~2M steps each) for long ones', () => {
  const short = cfg({ trials: 100, stages: [{ steps: 1000 }] }); // 1e5 steps in all
  assert.equal(trialChunks(short, 4).length, 4);
  assert.equal(trialChunks(cfg({ trials: 3, stages: [{ steps: 1000 }] }), 8).length, 3); // never more chunks than trials
  const long = cfg({ trials: 1000, stages: [{ steps: 100000 }] }); // 1e8 steps
  assert.equal(trialChunks(long, 2).length, 8);
  const few = cfg({ trials: 40, stages: [{ steps: 1e6 }] }); // long but few trials: chunks of ≥ 8
  assert.equal(trialChunks(few, 4).length, 4); // 5 of ≥ 8 trials, down to a multiple of the 4 workers
  // Beyond one per worker, a multiple of the workers: 10000 × 1000 on 2 workers is 4 chunks, not 5.
  assert.equal(trialChunks(cfg({ trials: 10000, stages: [{ steps: 1000 }] }), 2).length, 4);
  assert.equal(trialChunks(cfg({ trials: 10000, stages: [{ steps: 1000 }] }), 3).length, 3);
  assert.equal(trialChunks(cfg({ trials: 2000, stages: [{ steps: 10000 }] }), 3).length, 9);
  for (const [config, n] of [
    [short, 4],
    [long, 2],
    [few, 4],
  ] as const) {
    assertTiles(trialChunks(config, n), config.trials);
  }
});

test('landscape blocks: one per worker over landscapeRows, weighted like a quarter of the trials in all', () => {
  const c2 = cfg({ resolution: 11, trials: 10, stages: [{ steps: 100 }] }, 2);
  const blocks = landscapeBlocks(c2, 4);
  assert.equal(blocks.length, 4);
  assertTiles(blocks, 11);
  const sum = blocks.reduce((s, b) => s + weights.landscape(c2, b), 0);
  assert.ok(Math.abs(sum - (10 * 100) / 4) < 1e-9);
  // d > 2: rows are slices, the given directions when there are some.
  const c4 = cfg({ resolution: 5, sliceDirections: [[1, 0, 0, 0]] }, 4);
  assert.deepEqual(landscapeBlocks(c4, 4), [[0, 1]]);
  assert.equal(weights.trials(c2, [3, 7]), 400);
});

test('landscape blocks: one for the whole grid when a 2-D disk goes by FFT (each row block would sample and transform the whole lattice), else one per worker', () => {
  const f = (x: Float64Array) => x[0]! * x[0]! + 3 * x[1]! * x[1]! + Math.cos(2 * x[0]!);
  const domain = { low: [-5, -5], high: [5, 5] };
  const axis = { lo: -5, hi: 5, n: 51 };
  for (const [radius, noise, fft] of [
    [4, 'uniform', true],
    [0.5, 'uniform', false],
    [4, 'gaussian', false],
  ] as const) {
    const c = cfg({ resolution: 51, domain, trials: 10, stages: [{ lr: 1, radius, steps: 100, noise }] }, 2);
    // What the smoothing itself does on half the rows: the FFT path samples the whole lattice for them.
    const half = smoothGrid(f, axis, axis, radius, noise, { rowFrom: 0, rowTo: 25 });
    const whole = smoothGrid(f, axis, axis, radius, noise);
    assert.equal(half.method === 'fft', fft, `radius ${radius} ${noise}: ${half.method ?? 'separable'}`);
    assert.equal(
      half.evaluations === whole.evaluations,
      fft,
      `radius ${radius} ${noise}: ${half.evaluations} vs ${whole.evaluations} evaluations`,
    );
    assert.deepEqual(
      landscapeBlocks(c, 2),
      fft
        ? [[0, 51]]
        : [
            [0, 25],
            [25, 51],
          ],
      `radius ${radius} ${noise}`,
    );
  }
  // A stage schedule with a wide disk among narrow ones: one block.
  const mixed = cfg(
    {
      resolution: 51,
      domain,
      trials: 10,
      stages: [
        { lr: 1, radius: 0.5, steps: 50 },
        { lr: 1, radius: 4, steps: 50 },
      ],
    },
    2,
  );
  assert.equal(landscapeBlocks(mixed, 2).length, 1);
});

test('progress tally: each task counts its fraction done times its weight', () => {
  const tally = new ProgressTally();
  const a = tally.add(300);
  const b = tally.add(100);
  a(1, 3);
  b(50, 100);
  assert.deepEqual(tally.snapshot, { done: 150, total: 400 });
  a(3, 3);
  b(1, 1);
  assert.deepEqual(tally.snapshot, { done: 400, total: 400 });
});
