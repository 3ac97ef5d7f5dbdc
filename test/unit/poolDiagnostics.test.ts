/**
 * The diagnostics' heavy parts spread over the pool (src/runner/pool.ts, real worker threads from
 * dist/worker.js, which `npm run test:unit` builds first): the 2-D c(y) maps' ∇g computed in row
 * blocks by `gradients` tasks on every worker, and the noise-model trials of a minibatch run in
 * trial ranges by `modelTrials` tasks. The RESULT.json text must be the same byte for byte on 1, 2
 * and 3 workers, and the numbers those of the one-thread computation (`runExperiment`, whose
 * diagnostics compute ∇g for the whole grid at once and every model trial in turn).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentRunner } from '../../src/runner/pool';
import { prepareRun } from '../../src/runner/prepare';
import { gradientBlocks, modelTrialChunks } from '../../src/runner/plan';
import { loadLoss } from '../../src/runner/load';
import { sharedBufferBytes, sharedCallOffset } from '../../src/protocol/worker';
import { runExperiment } from '../../src/engine/experiment';
import { toResultFile } from '../../src/engine/resultFile';
import { joinGradientGrids, smoothedGradientRows } from '../../src/engine/landscape';
import { resultJson } from '../../src/cli/common';
import type { ExperimentResult } from '../../src/engine/types';
import { rastrigin, rastriginOptions } from '../../examples/rastrigin';
import { serialize } from 'node:v8';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../../src/engine/finiteSum';
import { resolveConfig } from '../../src/engine/config';
import { methodRoles } from '../../src/engine/methods';
import { mergeMethodResults, runTrials } from '../../src/engine/sgd';
import { computeLandscape, gradientsWithLandscape, type GradientGrid } from '../../src/engine/landscape';
import { gridDiskUsesFft } from '../../src/engine/gridSmoothing';
import { diagnosticsInput, finishRun } from '../../src/engine/diagnostics';

const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');
const bundleDir = join(mkdtempSync(join(tmpdir(), 'sgd-pool-diag-')), 'bundles');
const runners: ExperimentRunner[] = [];
after(() => runners.forEach((r) => r.dispose()));

/** RESULT.json as the CLI writes it, without the timing (wall clock) and the start time. */
function resultText(r: ExperimentResult): string {
  const file = toResultFile(r) as unknown as Record<string, unknown>;
  const { timing: _timing, startedAt: _startedAt, ...rest } = file;
  return resultJson(rest);
}

async function runOn(workers: number, input: object): Promise<ExperimentResult> {
  const r = new ExperimentRunner({ workerScript, workers });
  runners.push(r);
  const p = await prepareRun(r, join(__dirname, '..', '..', 'examples', 'rastrigin.ts'), input, { bundleDir });
  return r.run(p.loss, p.config);
}

test('2-D: the c(y) maps from ∇g row blocks on 1, 2 and 3 workers — RESULT.json byte-identical, maps equal to one thread', async () => {
  // Three maps: a disk (direct sums), a Gaussian (two 1-D passes) and f itself (the user's gradient).
  const input = {
    function: 'rastrigin',
    trials: 6,
    seed: 'grad-blocks',
    resolution: 37,
    stages: [
      { lr: 0.005, radius: 0.5, steps: 60, noise: 'uniform' as const },
      { lr: 0.005, radius: 0.3, steps: 40, noise: 'gaussian' as const },
      { lr: 0.005, radius: 0, steps: 20, noise: 'none' as const },
    ],
  };
  const [a, b, c] = [await runOn(1, input), await runOn(2, input), await runOn(3, input)];
  // The disk's and the Gaussian's ∇g come with the landscape's row blocks (one pass with g); f's own
  // map is three `gradients` blocks on three workers.
  const blocks = gradientBlocks(a.config, 3);
  assert.deepEqual(
    blocks.map((x) => `${x.radius} ${x.noise} ${x.rows.join('-')}`),
    ['0 none 0-12', '0 none 12-24', '0 none 24-37'],
  );
  assert.equal(gradientsWithLandscape(a.config).length, 2);
  const text = resultText(a);
  assert.equal(resultText(b), text);
  assert.equal(resultText(c), text);
  assert.equal(a.diagnostics.convexity.length, 3);
  const local = runExperiment(
    (x) => rastrigin(x[0], x[1]),
    (x, out) => {
      const g = rastriginOptions.gradient!(x[0], x[1]) as number[];
      out[0] = g[0];
      out[1] = g[1];
    },
    a.config,
  );
  assert.deepEqual(local.diagnostics.convexity, a.diagnostics.convexity);
  assert.deepEqual(local.diagnostics.theorem1, a.diagnostics.theorem1);
  for (const m of a.diagnostics.convexity) assert.ok((m.values as number[][]).flat().filter(Number.isFinite).length > 30 * 30);
});

test('∇g row blocks joined in any order equal the whole grid bit for bit; a gap in the blocks is an error', () => {
  const config = { dim: 2, resolution: 23, domain: { low: [-2, -1.5], high: [2.5, 2] } } as Parameters<typeof smoothedGradientRows>[1];
  const loss = (x: Float64Array) => Math.sin(3 * x[0]) * Math.cos(2 * x[1]) + 0.1 * x[0] * x[0] * x[1];
  for (const [radius, noise] of [
    [0.4, 'uniform'],
    [0.25, 'cube'],
    [0.2, 'gaussian'],
  ] as const) {
    const whole = smoothedGradientRows(loss, config, radius, noise, 0, 23);
    const parts = [
      smoothedGradientRows(loss, config, radius, noise, 15, 23),
      smoothedGradientRows(loss, config, radius, noise, 0, 7),
      smoothedGradientRows(loss, config, radius, noise, 7, 15),
    ];
    const [joined] = joinGradientGrids(parts, 23);
    assert.deepEqual(joined.gradX, whole.gradX, `${noise} ∂x`);
    assert.deepEqual(joined.gradY, whole.gradY, `${noise} ∂y`);
    assert.ok(whole.gradX.every(Number.isFinite) && whole.gradX.some((v) => v !== 0));
    assert.throws(() => joinGradientGrids([parts[0], parts[1]], 23), /do not tile/);
  }
});

test('noise-model trials as trial ranges on 1, 2 and 3 workers: RESULT.json byte-identical, finals those of one thread', async () => {
  const file = join(__dirname, '..', '..', 'examples', 'least-squares.ts');
  // 7 trials: ranges of 7, 3 + 4 and 2 + 2 + 3 per model.
  const input = { function: 'leastSquares', trials: 7, seed: 'model-ranges', resolution: 21, steps: 80 };
  const results: ExperimentResult[] = [];
  let prepared: Awaited<ReturnType<typeof prepareRun>> | undefined;
  for (const workers of [1, 2, 3]) {
    const r = new ExperimentRunner({ workerScript, workers });
    runners.push(r);
    prepared = await prepareRun(r, file, input, { bundleDir });
    results.push(await r.run(prepared.loss, prepared.config));
  }
  const [a, b, c] = results;
  const mt = a.diagnostics.gradientNoise?.modelTrials;
  assert.ok(mt, 'a minibatch run has model trials');
  assert.equal(mt.anisotropicFinals.length, 7);
  assert.equal(mt.isotropicFinals.length, 7);
  assert.notDeepEqual(mt.anisotropicFinals, mt.isotropicFinals);
  assert.equal(modelTrialChunks(a.config, 3).length, 3);
  // 100 trials on 2 workers: 8 ranges per model of 12–13 trials.
  assert.deepEqual(
    modelTrialChunks({ ...a.config, trials: 100 }, 2).map(([from, to]) => to - from),
    [12, 13, 12, 13, 12, 13, 12, 13],
  );
  const text = resultText(a);
  assert.equal(resultText(b), text);
  assert.equal(resultText(c), text);
  // One thread: the same guarded loss the worker loads, every phase in runExperiment.
  const config = prepared!.config;
  const shared = new SharedArrayBuffer(sharedBufferBytes(config.dim));
  const scratch = { i32: new Int32Array(shared, 0, 4), input: new Float64Array(shared, sharedCallOffset(config.dim), config.dim) };
  const { loss, grad } = await loadLoss(prepared!.loss, config, scratch);
  const local = runExperiment(loss, grad, config);
  assert.deepEqual(local.diagnostics.gradientNoise?.modelTrials, mt);
});

test('the diagnostics task gets only what it reads: the same diagnostics from diagnosticsInput as from the full methods (d = 3 minibatch, plane and paths)', () => {
  // f(w) = (1/n) Σ ½(w·aᵢ − yᵢ)² + a ripple, in 3-D: x* from the finals, the noise along the paths, the plane.
  const a = [
    [1, 0.2, -0.5],
    [0.3, 1, 0.1],
    [-0.4, 0.6, 1],
    [0.8, -0.3, 0.2],
    [0.1, 0.9, -0.7],
    [-1, 0.4, 0.5],
  ];
  const y = [0.5, -1, 2, 0.3, 1.2, -0.4];
  const fs: FiniteSum = {
    n: a.length,
    example: (w, i) => 0.5 * (w[0] * a[i][0] + w[1] * a[i][1] + w[2] * a[i][2] - y[i]) ** 2 + 0.05 * Math.cos(3 * w[0]),
    exampleGradient: (w, i, out) => {
      const r = w[0] * a[i][0] + w[1] * a[i][1] + w[2] * a[i][2] - y[i];
      for (let j = 0; j < 3; j++) out[j] = r * a[i][j];
      out[0] -= 0.15 * Math.sin(3 * w[0]);
    },
  };
  const config = resolveConfig(
    {
      function: 'ls3',
      dim: 3,
      trials: 9,
      seed: 'slim',
      resolution: 15,
      init: { low: [-1, -1, -1], high: [1, 1, 1] },
      domain: { low: [-3, -3, -3], high: [3, 3, 3] },
      stages: [{ lr: 0.2, steps: 60, noise: 'minibatch', batchSize: 2 }],
    },
    { dim: 3, examples: a.length },
  );
  const loss = finiteSumLoss(fs);
  const grad = finiteSumGradient(fs, 0);
  const methods = config.methods.map((m) => mergeMethodResults([runTrials(loss, grad, config, m, 0, config.trials, {})]));
  const landscape = computeLandscape(loss, config, {});
  const slim = diagnosticsInput(config, methods);
  const full = finishRun(loss, grad, config, landscape, methods);
  assert.deepEqual(finishRun(loss, grad, config, landscape, slim), full);
  assert.ok(full.diagnostics.plane && full.diagnostics.gradientNoise?.modelTrials, 'the plane and the model trials ran');
  const gd = slim[methodRoles(config).gd];
  assert.ok(
    methods[methodRoles(config).gd].starts.length === 9 && gd.starts.length === 0 && gd.paths.length === 0,
    "GD's per-trial arrays stay behind",
  );
  assert.ok(serialize(slim).length < serialize(methods).length);
});

test('g and ∇g in one pass over the lattice (the landscape task with gradients) equal the two passes bit for bit', () => {
  const loss = (x: Float64Array) =>
    20 + x[0] * x[0] - 10 * Math.cos(2 * Math.PI * x[0]) + x[1] * x[1] - 10 * Math.cos(2 * Math.PI * x[1]) + 0.3 * x[0] * x[1] ** 3;
  // A narrow disk (direct sums), a wide one (FFT on this grid), a Gaussian, a cube, and f itself (not in one pass).
  const stages = [
    { lr: 0.01, radius: 0.5, steps: 1, noise: 'uniform' as const },
    { lr: 0.01, radius: 2.5, steps: 1, noise: 'uniform' as const },
    { lr: 0.01, radius: 0.3, steps: 1, noise: 'gaussian' as const },
    { lr: 0.01, radius: 0.4, steps: 1, noise: 'cube' as const },
    { lr: 0.01, radius: 0, steps: 1, noise: 'none' as const },
  ];
  const config = resolveConfig({ function: 'r', dim: 2, resolution: 101, domain: { low: [-5, -5], high: [5, 5] }, stages }, { dim: 2 });
  const withG = gradientsWithLandscape(config);
  assert.deepEqual(
    withG.map((w) => `${w.radius} ${w.noise}`),
    ['0.5 uniform', '2.5 uniform', '0.3 gaussian', '0.4 cube'],
  );
  assert.ok(gridDiskUsesFft({ lo: -5, hi: 5, n: 101 }, { lo: -5, hi: 5, n: 101 }, 2.5), 'the wide disk goes by FFT');
  assert.deepEqual(
    gradientBlocks(config, 2).map((b) => `${b.radius} ${b.noise} ${b.rows.join('-')}`),
    ['0 none 0-50', '0 none 50-101'],
  );
  for (const [rowFrom, rowTo] of [
    [0, 101],
    [30, 71],
  ]) {
    const out: GradientGrid[] = [];
    const one = computeLandscape(loss, config, { rowFrom, rowTo, gradientsOut: out });
    assert.deepEqual(one, computeLandscape(loss, config, { rowFrom, rowTo }), 'g');
    assert.equal(out.length, 4);
    for (const g of out) {
      const alone = smoothedGradientRows(loss, config, g.radius, g.noise, rowFrom, rowTo);
      assert.ok(
        g.gradX.every((v, i) => Object.is(v, alone.gradX[i])) && g.gradY.every((v, i) => Object.is(v, alone.gradY[i])),
        `∇g of ${g.radius} ${g.noise}`,
      );
    }
  }
});

test('d = 3 minibatch: the plane through x* as its own task beside the model trials — 1, 2 and 3 workers byte-identical, the one-thread diagnostics', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-pool-plane-'));
  const file = join(dir, 'ls3.ts');
  writeFileSync(
    file,
    `interface Row { a: number[]; y: number }
const rows: Row[] = [
  { a: [1, 0.2, -0.5], y: 0.5 }, { a: [0.3, 1, 0.1], y: -1 }, { a: [-0.4, 0.6, 1], y: 2 },
  { a: [0.8, -0.3, 0.2], y: 0.3 }, { a: [0.1, 0.9, -0.7], y: 1.2 }, { a: [-1, 0.4, 0.5], y: -0.4 },
];
export function ls3(w: number[], e: Row): number {
  const r = w[0] * e.a[0] + w[1] * e.a[1] + w[2] * e.a[2] - e.y;
  return 0.5 * r * r + 0.05 * Math.cos(3 * w[0]);
}
export const ls3Options = {
  dim: 3,
  data: rows,
  gradient: (w: number[], e: Row) => {
    const r = w[0] * e.a[0] + w[1] * e.a[1] + w[2] * e.a[2] - e.y;
    return [r * e.a[0] - 0.15 * Math.sin(3 * w[0]), r * e.a[1], r * e.a[2]];
  },
  domain: { low: [-3, -3, -3], high: [3, 3, 3] },
  defaults: { init: { low: [-1, -1, -1], high: [1, 1, 1] }, lr: 0.2, steps: 50, noise: 'minibatch', batchSize: 2 },
};
`,
  );
  const input = { function: 'ls3', trials: 7, seed: 'plane-task', resolution: 15 };
  const results: ExperimentResult[] = [];
  let prepared: Awaited<ReturnType<typeof prepareRun>> | undefined;
  for (const workers of [1, 2, 3]) {
    const r = new ExperimentRunner({ workerScript, workers });
    runners.push(r);
    prepared = await prepareRun(r, file, input, { bundleDir });
    results.push(await r.run(prepared.loss, prepared.config));
  }
  const [a, b, c] = results;
  assert.ok(a.diagnostics.plane, 'd = 3 has the plane');
  assert.ok(a.diagnostics.gradientNoise?.modelTrials, 'and the model trials');
  const text = resultText(a);
  assert.equal(resultText(b), text);
  assert.equal(resultText(c), text);
  const config = prepared!.config;
  const shared = new SharedArrayBuffer(sharedBufferBytes(config.dim));
  const scratch = { i32: new Int32Array(shared, 0, 4), input: new Float64Array(shared, sharedCallOffset(config.dim), config.dim) };
  const { loss, grad } = await loadLoss(prepared!.loss, config, scratch);
  const local = runExperiment(loss, grad, config);
  assert.equal(resultJson(local.diagnostics), resultJson(a.diagnostics), 'one thread: the same diagnostics, key order included');
});
