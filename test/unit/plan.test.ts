/** The experiment plan (src/runner/plan.ts): how a run is cut into pool tasks, without threads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressTally, landscapeBlocks, split, trialChunks, weights } from '../../src/runner/plan';
import { resolveConfig } from '../../src/engine/config';
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
  assert.equal(trialChunks(few, 4).length, 5);
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
