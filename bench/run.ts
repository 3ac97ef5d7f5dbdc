/**
 * npm run bench — the engine against the floor for this work in this language: a plain
 * hand-written JavaScript loop doing the same function evaluations on one core.
 *
 *   SGD trials: the paper's Figure 3 function and 2-D Rastrigin, 1000 trials × 5000 steps,
 *   central-difference gradients, uniform noise. Engine on one core (in-process runTrials) vs
 *   the plain loop; then the worker pool on 1 and on all cores (speed-up).
 *   2-D smoothed landscape: Rastrigin on a 201 × 201 grid, uniform disk radius 0.3 (the default
 *   run), then Gaussian σ = 1.5 and a disk of the domain's half-width; each with its time and its
 *   measured error against the closed form (paper.md §4), beside the pointwise rule the engine
 *   used before issue 10 (a fixed quadrature per grid point), timed and checked the same way.
 *
 * Targets (issue 2): single-core engine ≤ 1.3 × the plain loop; near-linear speed-up across
 * cores; the 2-D smoothed landscape well under a second. Also (issue 3): the largest event-loop
 * delay of the coordinating thread during a ~10 s run, and the share of the run it was busy.
 * Limits that used to be timed inside the unit tests are measured here, each printed beside its
 * target: the coordinating thread busy < 20% of a run and its event loop never held ≥ 1 s; a
 * hung loss stopped < 5 s after the run starts with a 1 s stall limit; a cancelled run ended
 * < 3 s after the abort.
 * (Issue 10): each 2-D landscape within 1e-3 of g's range at no more than the old pointwise
 * rule's time (compared in CPU time, printed beside the wall times).
 * Sweeps (issue 11): a 10 × 6 sweep (radius × lr) of 100 trials × 2000 steps on the Figure 3
 * function through the CLI against the same 60 runs one at a time through the CLI (target: at
 * most a fifth of the time), and the sweep's SGD steps per second against one run's on the same
 * pool (target: within 20%).
 * Minibatch SGD (issue 14): the two-layer example, 100 trials × 2000 steps, B = 16, in-process on one
 * core against a plain loop doing the same per-example gradient calls (target: ratio ≈ 1).
 * Speed (issue 15): the CLI as a whole process on 2-D Rastrigin at four scales (100 × 2000 to
 * 10000 × 1000), with and without GD, as ratios to the plain loop's whole process in the same
 * interleaved rounds, beside numpy (python3 with numpy) and JAX (with jax); then each of the
 * issue's targets with its measured value, met or not; whenever the ceiling is measured, the pool's speed-up
 * on 2-D Rastrigin as a share of it (measured here when the trials part is not run; target ≥ 85%).
 * Set BENCH_QUICK=1 for a 10× smaller run (a smoke test, not the figures); BENCH_ONLY=landscape
 * (or trials, host, failures, ceiling, sweep, minibatch, speed; several with commas) runs those parts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { figure3, rastrigin } from './losses';
import { plainSgd1d, plainSgd2d } from './plainLoop';
import { resolveConfig } from '../src/engine/config';
import { runTrials } from '../src/engine/sgd';
import { adaptExample, adaptLoss } from '../src/engine/adapt';
import { finiteSumGradient, finiteSumLoss, type FiniteSum } from '../src/engine/finiteSum';
import { stream } from '../src/engine/rng';
import { xorNet, xorNetOptions, DIM as XOR_DIM, type XorPoint } from '../examples/two-layer-net';
import { computeLandscape } from '../src/engine/landscape';
import { makeSmoother } from '../src/engine/smoothing';
import { ExperimentRunner } from '../src/runner/pool';
import { RunFailure } from '../src/runner/failure';
import { prepareRun } from '../src/runner/prepare';
import { runSweep } from '../src/runner/sweep';
import { resolveSweep, type SweepResult } from '../src/engine/sweep';
import type { Loss, RunConfig, RunConfigInput } from '../src/engine/types';

const quick = process.env.BENCH_QUICK === '1';
const TRIALS = quick ? 100 : 1000;
const STEPS = 5000;
const REPEATS = quick ? 1 : 3;
/** Rounds of the pool-against-ceiling target (`ceilingShare`). */
const SHARE_ROUNDS = quick ? 1 : 5;
// Run bundled (npm run bench builds dist/bench.js): module-level constants of the losses are
// then plain locals, as in the worker's bundle. Under a TS loader they become live-binding
// getters and every loop here (the plain reference included) runs several times slower.
const root = join(__dirname, '..');
const workerScript = join(root, 'dist', 'worker.js');
const lossFile = join(root, 'bench', 'losses.ts');

function best(fn: () => void): number {
  let t = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, performance.now() - t0);
  }
  return t;
}

/** `best` in CPU time of this process (user + system), which other work on a shared machine inflates less. */
function bestCpu(fn: () => void): number {
  let t = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    t = Math.min(t, (c.user + c.system) / 1000);
  }
  return t;
}

const rows: Array<[string, string, string, string]> = [];

/** A measured limit: the value beside its target, marked ok or OVER. */
function limitRow(what: string, value: number, unit: '%' | 'ms', target: number, note = '') {
  const text = unit === '%' ? `${value.toFixed(1)}%` : `${value.toFixed(0)} ms`;
  const ok = value < target;
  rows.push([what, text, '—', `${ok ? 'ok' : 'OVER'}: target < ${target}${unit === '%' ? '%' : ' ms'}${note ? `; ${note}` : ''}`]);
  console.error(`  ${what}: ${text} (target < ${target}${unit === '%' ? '%' : ' ms'}${ok ? '' : ', OVER'})`);
}

function row(what: string, engine: number, reference: number | undefined, note = '') {
  rows.push([
    what,
    `${engine.toFixed(0)} ms`,
    reference === undefined ? '—' : `${reference.toFixed(0)} ms`,
    reference === undefined ? note : `${(engine / reference).toFixed(2)}× ${note}`,
  ]);
  console.error(`  ${what}: ${engine.toFixed(0)} ms${reference === undefined ? '' : ` vs ${reference.toFixed(0)} ms`}`);
}

async function trialsBench(name: string, input: RunConfigInput, loss: Loss, plain: (starts: Float64Array) => number, dim: number) {
  const config: RunConfig = resolveConfig(input, { dim });
  const starts = new Float64Array(TRIALS * dim);
  for (let i = 0; i < starts.length; i++) starts[i] = config.init.low[0] + (config.init.high[0] - config.init.low[0]) * Math.random();
  const tPlain = best(() => plain(starts));
  const tEngine = best(() => runTrials(loss, undefined, config, 'sgd', 0, config.trials));
  row(`${name}: SGD ${TRIALS}×${STEPS}, 1 core`, tEngine, tPlain, '(target ≤ 1.30×)');

  const poolTimes = await poolTrialTimes(input);
  poolTimes.forEach(({ workers, ms }, i) =>
    row(
      `${name}: SGD ${TRIALS}×${STEPS}, pool of ${workers}`,
      ms,
      i === 0 ? tPlain : poolTimes[0].ms,
      i === 0 ? 'vs plain loop' : `vs pool of 1 (speed-up ${(poolTimes[0].ms / ms).toFixed(2)} on ${workers} cores)`,
    ),
  );
}

/** The trials' time (best of REPEATS, `timing.trialsMs`) of `input` without GD on the worker pool of 1 and of all cores. */
async function poolTrialTimes(input: RunConfigInput): Promise<Array<{ workers: number; ms: number }>> {
  const out: Array<{ workers: number; ms: number }> = [];
  const counts = [1, availableParallelism()].filter((v, i, xs) => xs.indexOf(v) === i);
  for (const workers of counts) {
    const runner = new ExperimentRunner({ workerScript, workers });
    try {
      const prepared = await prepareRun(runner, lossFile, { ...input, compareGd: false, resolution: 3 });
      let t = Infinity;
      for (let i = 0; i < REPEATS; i++) t = Math.min(t, (await runner.run(prepared.loss, prepared.config)).timing.trialsMs);
      out.push({ workers, ms: t });
    } finally {
      runner.dispose();
    }
  }
  return out;
}

/**
 * Minibatch SGD on the two-layer example (issue 14): the engine's minibatch kernel in-process on
 * one core against a plain loop that does the same work — per step, B distinct indices by a
 * partial Fisher–Yates shuffle from an Alea stream, the user's per-example gradient on each (a
 * reused plain array for w, as the engine's adapter passes it), their mean, the step.
 */
async function minibatchBench() {
  const trials = quick ? 10 : 100;
  const steps = 2000;
  const B = 16;
  const data = (xorNetOptions.data as () => XorPoint[])();
  const n = data.length;
  const grad = xorNetOptions.gradient as (w: number[], e: XorPoint) => number[];
  const ex = adaptExample(xorNet, 'array', XOR_DIM);
  const exGrad = adaptExample(grad, 'array', XOR_DIM);
  const fs: FiniteSum = {
    n,
    example: (w, i) => ex(w, data[i]) as number,
    exampleGradient: (w, i, out) => {
      const r = exGrad(w, data[i]) as number[];
      for (let j = 0; j < XOR_DIM; j++) out[j] = r[j];
    },
  };
  const config = resolveConfig(
    {
      function: 'xorNet',
      trials,
      init: { low: -1, high: 1 },
      domain: { low: -4, high: 4 },
      compareGd: false,
      stages: [{ lr: 0.3, steps, noise: 'minibatch', batchSize: B }],
    },
    { dim: XOR_DIM, examples: n },
  );
  const loss = finiteSumLoss(fs);
  const full = finiteSumGradient(fs, 0);
  const plain = () => {
    const d = XOR_DIM;
    const w = new Array<number>(d).fill(0);
    const g = new Float64Array(d);
    const perm = new Int32Array(n);
    let acc = 0;
    for (let k = 0; k < trials; k++) {
      const rng = stream('bench', `plain/${k}`);
      for (let j = 0; j < d; j++) w[j] = 2 * rng() - 1;
      for (let i = 0; i < n; i++) perm[i] = i;
      for (let t = 0; t < steps; t++) {
        g.fill(0);
        for (let b = 0; b < B; b++) {
          const q = b + Math.floor(rng() * (n - b));
          const tmp = perm[b];
          perm[b] = perm[q];
          perm[q] = tmp;
          const r = grad(w, data[perm[b]]);
          for (let j = 0; j < d; j++) g[j] += r[j];
        }
        for (let j = 0; j < d; j++) w[j] -= (0.3 * g[j]) / B;
      }
      acc += w[0];
    }
    return acc;
  };
  const tPlain = best(plain);
  const tEngine = best(() => runTrials(loss, full, config, 'sgd', 0, trials, { lean: true }));
  row(`two-layer net: minibatch SGD ${trials}×${steps}, B = ${B}, 1 core`, tEngine, tPlain, 'vs plain loop (per-example gradient calls)');
}

/** J₁ by its integral (1/π)∫₀^π cos(τ − x sin τ) dτ (the midpoint rule is spectrally exact here). */
function besselJ1(x: number): number {
  let s = 0;
  for (let i = 0; i < 512; i++) {
    const t = (Math.PI * (i + 0.5)) / 512;
    s += Math.cos(t - x * Math.sin(t));
  }
  return s / 512;
}

/** paper.md §4: 2-D Rastrigin smoothed by the uniform disk of radius a, or by N(0, σ²I). */
function rastriginSmoothed(noise: 'uniform' | 'gaussian', a: number): (x: number, y: number) => number {
  const tau = 2 * Math.PI;
  const ripple = noise === 'uniform' ? (2 * besselJ1(tau * a)) / (tau * a) : Math.exp(-2 * Math.PI ** 2 * a * a);
  const shift = noise === 'uniform' ? (a * a) / 2 : 2 * a * a;
  return (x, y) => 20 + x * x + y * y + shift - 10 * ripple * (Math.cos(tau * x) + Math.cos(tau * y));
}

/** Largest |g − exact| over the grid, as a fraction of the exact g's range there. */
function errorOfRange(g: number[][], xs: number[], exact: (x: number, y: number) => number): number {
  let err = 0;
  let lo = Infinity;
  let hi = -Infinity;
  g.forEach((row, iy) =>
    row.forEach((v, ix) => {
      const e = exact(xs[ix], xs[iy]);
      lo = Math.min(lo, e);
      hi = Math.max(hi, e);
      err = Math.max(err, Math.abs(v - e));
    }),
  );
  return err / (hi - lo);
}

async function landscapeBench() {
  const n = 201;
  const domain = { low: [-5.12, -5.12], high: [5.12, 5.12] };
  const loss = adaptLoss(rastrigin, 'scalars', 2);
  const cases: Array<[string, 'uniform' | 'gaussian', number]> = [
    ['disk 0.3', 'uniform', 0.3],
    ['Gaussian σ 1.5', 'gaussian', 1.5],
    ['disk 5.12 (half-width)', 'uniform', 5.12],
  ];
  for (const [label, noise, radius] of cases) {
    const input: RunConfigInput = {
      function: 'rastrigin',
      trials: 1,
      domain,
      resolution: n,
      stages: [{ lr: 0.01, radius, steps: 1, noise }],
    };
    const config = resolveConfig(input, { dim: 2 });
    const exact = rastriginSmoothed(noise, radius);
    let g: number[][] = [];
    const t = best(() => {
      g = computeLandscape(loss, config).smoothed[0].values as number[][];
    });
    const tCpu = bestCpu(() => computeLandscape(loss, config));
    const err = errorOfRange(g, linspaceOf(-5.12, 5.12, n), exact);
    // The rule before issue 10: one fixed quadrature around each grid point (disk: 10 × 24 polar
    // points; Gaussian: 24 × 24 Gauss–Hermite), f and g on the same grid.
    const pointwise = makeSmoother(loss, 2, radius, noise);
    const xs = linspaceOf(-5.12, 5.12, n);
    let old: number[][] = [];
    const p = new Float64Array(2);
    const oldRule = () => {
      old = xs.map((y) =>
        xs.map((x) => {
          p[0] = x;
          p[1] = y;
          loss(p);
          return pointwise(p);
        }),
      );
    };
    const tOld = best(oldRule);
    const tOldCpu = bestCpu(oldRule);
    const errOld = errorOfRange(old, xs, exact);
    // Targets (issue 10): error < 1e-3 of g's range everywhere; time ≤ the old rule's, judged on
    // CPU time (wall time on a shared machine moves with everyone else's load).
    const ratio = tCpu / tOldCpu;
    row(
      `2-D smoothed landscape 201×201, ${label} (f + g), 1 core`,
      t,
      tOld,
      `vs the pointwise rule before issue 10 (CPU ${tCpu.toFixed(0)} ms vs ${tOldCpu.toFixed(0)} ms: ${ratio.toFixed(2)}×, ${ratio <= 1 ? 'ok' : 'OVER'}: target ≤ 1×); max error ${err.toExponential(1)} of g's range (pointwise: ${errOld.toExponential(1)}), ${err < 1e-3 ? 'ok' : 'OVER'}: target < 1e-3`,
    );
  }

  const input: RunConfigInput = {
    function: 'rastrigin',
    trials: 1,
    domain,
    resolution: n,
    stages: [{ lr: 0.01, radius: 0.3, steps: 1, noise: 'uniform' }],
  };
  const config = resolveConfig(input, { dim: 2 });
  const t1 = best(() => computeLandscape(loss, config));
  const runner = new ExperimentRunner({ workerScript });
  try {
    const prepared = await prepareRun(runner, lossFile, { ...input, compareGd: false });
    let tp = Infinity;
    for (let i = 0; i < REPEATS; i++) tp = Math.min(tp, (await runner.run(prepared.loss, prepared.config)).timing.landscapeMs);
    row(`2-D smoothed landscape 201×201, disk 0.3, pool of ${runner.size}`, tp, t1, 'vs 1 core in-process');
  } finally {
    runner.dispose();
  }
}

function linspaceOf(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

/**
 * What the extension host feels during a long run: the pool coordinates from this thread, so
 * its event loop must stay free. A ~10 s run of the Figure 3 function on all cores, with the
 * largest event-loop delay measured as monitorEventLoopDelay sees it (10 ms resolution).
 */
async function hostResponsiveness() {
  const runner = new ExperimentRunner({ workerScript });
  try {
    const steps = quick ? 10000 : 100000;
    const prepared = await prepareRun(runner, lossFile, {
      function: 'figure3',
      trials: 1000,
      init: { low: [-3], high: [3] },
      stages: [{ lr: 0.01, radius: 0.3, steps, noise: 'uniform' }],
    });
    const h = monitorEventLoopDelay({ resolution: 10 });
    let progressEvents = 0;
    let partials = 0;
    h.enable();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await runner.run(prepared.loss, prepared.config, { onProgress: () => progressEvents++, onPartial: () => partials++ });
    const t = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    h.disable();
    const run = `a ${(t / 1000).toFixed(1)} s run (1000 trials × ${steps} steps + GD + landscape + diagnostics, ${runner.size} workers)`;
    limitRow(
      `host event loop during ${run}: max delay`,
      h.max / 1e6,
      'ms',
      1000,
      `p99 ${(h.percentile(99) / 1e6).toFixed(0)} ms, mean ${(h.mean / 1e6).toFixed(1)} ms; ${progressEvents} progress events, ${partials} partial results`,
    );
    limitRow(`host thread busy during ${run}`, elu.utilization * 100, '%', 20, `${elu.active.toFixed(0)} ms of ${t.toFixed(0)} ms`);
  } finally {
    runner.dispose();
  }
}

/**
 * How soon the pool stops what the user's code does wrong: a loss that never returns, under a 1 s
 * stall limit (time from the start of the run to its failure: the limit, the watchdog's 200 ms
 * tick, terminating the worker), and a long run cancelled 300 ms in (time from the abort to the
 * run's end, and to the end of a next tiny run on the same one worker). Each on a pool whose
 * worker has already started, as in the extension.
 */
async function failureLatency(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-bench-'));
  try {
    const hang = join(dir, 'hang.ts');
    writeFileSync(hang, 'export function hang(x: number): number {\n  for (;;) x = Math.sin(x);\n}\n');
    const slow = join(dir, 'slow.ts');
    writeFileSync(
      slow,
      'export function slow(x: number): number {\n  let s = 0;\n  for (let k = 0; k < 2000; k++) s += Math.sin(x + k);\n  return x * x + s * 1e-9;\n}\n',
    );
    const runner = new ExperimentRunner({ workerScript, workers: 1, stallMs: 1000 });
    try {
      const warm = await prepareRun(runner, lossFile, { function: 'figure3', trials: 1, resolution: 3, stages: [{ steps: 1 }] });
      await runner.run(warm.loss, warm.config);
      const h = await prepareRun(runner, hang, { resolution: 3 });
      const t0 = performance.now();
      const f = await runner.run(h.loss, h.config).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(f instanceof RunFailure) || f.detail.kind !== 'timeout')
        throw new Error(`the hung loss was not stopped by the stall limit: ${String(f)}`);
      limitRow('a loss that never returns (stall limit 1000 ms): run start → stopped', performance.now() - t0, 'ms', 5000);

      const s = await prepareRun(runner, slow, { trials: 200, resolution: 3, stages: [{ steps: 20000 }] });
      const ac = new AbortController();
      let abortedAt = 0;
      setTimeout(() => {
        abortedAt = performance.now();
        ac.abort();
      }, 300);
      const c = await runner.run(s.loss, s.config, { signal: ac.signal }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const ended = performance.now() - abortedAt;
      if (!(c instanceof RunFailure) || c.detail.kind !== 'cancelled') throw new Error(`the run was not cancelled: ${String(c)}`);
      // The one worker must be free again (stopped mid-trial, or replaced) for the next run.
      await runner.run(warm.loss, warm.config);
      const next = performance.now() - abortedAt;
      limitRow(
        'a long run cancelled 300 ms in: abort → run ended',
        ended,
        'ms',
        3000,
        `abort → the next run on its worker done: ${next.toFixed(0)} ms`,
      );
    } finally {
      runner.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One thread's share of a ceiling: a fixed arithmetic loop (Math.sqrt), or the plain SGD loop on 2-D Rastrigin (TRIALS × STEPS). */
function ceilingThread(kind: 'arithmetic' | 'plain'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (kind === 'arithmetic') {
      const code = "let s = 0; for (let i = 0; i < 2e8; i++) s += Math.sqrt(i); require('node:worker_threads').parentPort.postMessage(s);";
      const w = new Worker(code, { eval: true });
      w.once('message', () => void w.terminate().then(() => resolve()));
      w.once('error', reject);
      return;
    }
    // dist/bench-plain.js prints its sum and ends.
    const w = new Worker(join(root, 'dist', 'bench-plain.js'), { argv: [String(TRIALS), String(STEPS)], stdout: true });
    w.stdout.resume();
    w.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`plain loop thread exited with ${code}`))));
    w.once('error', reject);
  });
}

/** Wall time of `n` ceiling threads at once. */
async function ceilingWall(kind: 'arithmetic' | 'plain', n: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => ceilingThread(kind)));
  return performance.now() - t0;
}

/**
 * The machine's own ceiling for a speed-up across cores: the same fixed arithmetic loop in 1 and
 * in N plain worker threads at once (N = all cores). On a VM whose vCPUs share physical cores
 * this is well under N, and no pool can beat it. (The ceiling the pool's target reads is the
 * plain SGD loop's, measured beside the pool: `ceilingShare`.)
 */
async function machineCeiling(): Promise<void> {
  const n = availableParallelism();
  let one = Infinity;
  let all = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    one = Math.min(one, await ceilingWall('arithmetic', 1));
    all = Math.min(all, await ceilingWall('arithmetic', n));
  }
  measured.ceilingArithmetic = (n * one) / all;
  row(
    `machine ceiling: an arithmetic loop in ${n} threads at once vs 1 thread (${n}× the work)`,
    all,
    one,
    `→ the best speed-up this machine allows such a loop on ${n} cores is ${measured.ceilingArithmetic.toFixed(2)}`,
  );
}

/** Issue 11: a sweep against the same runs one at a time, both through the CLI; and throughput. */
async function sweepBench(): Promise<void> {
  const radius = quick ? [0, 0.3, 0.6] : [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.05, 1.2, 1.5];
  const lr = quick ? [0.01, 0.05] : [0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
  const trials = quick ? 20 : 100;
  const steps = 2000;
  const cells = radius.length * lr.length;
  const base = {
    function: 'figure3',
    seed: 1,
    trials,
    init: { low: [-3], high: [3] },
    stages: [{ lr: 0.01, radius: 0.3, steps, noise: 'uniform' }],
  };
  const cli = join(root, 'dist', 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'sgd-bench-sweep-'));
  const cliRun = (args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args, '--quiet'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sgd-landscape ${args.join(' ')} failed: ${r.stderr}`);
  };
  try {
    const sweepJson = join(dir, 'sweep.json');
    writeFileSync(sweepJson, JSON.stringify({ ...base, sweep: { radius, lr } }));
    const out = join(dir, 'sweep-result.json');
    const t0 = performance.now();
    cliRun(['sweep', lossFile, '--config', sweepJson, '--out', out]);
    const tSweep = performance.now() - t0;
    const swept = JSON.parse(readFileSync(out, 'utf8')) as SweepResult;
    let tOne = 0;
    let differ = 0;
    for (const cell of swept.cells) {
      const runJson = join(dir, 'run.json');
      const runOut = join(dir, 'run-result.json');
      writeFileSync(runJson, JSON.stringify({ ...base, stages: [{ ...base.stages[0], lr: cell.lr, radius: cell.radius }] }));
      const t1 = performance.now();
      cliRun(['run', lossFile, '--config', runJson, '--out', runOut]);
      tOne += performance.now() - t1;
      const d = JSON.parse(readFileSync(runOut, 'utf8')).diagnostics;
      if (d.successSgd !== cell.success || d.successGd !== Math.round((cell.gdSuccessRate ?? 0) * trials)) differ++;
    }
    row(
      `sweep ${radius.length}×${lr.length} (radius × lr) of ${trials}×${steps}, Figure 3 f, CLI`,
      tSweep,
      tOne,
      `vs the ${cells} runs one at a time through the CLI (target ≤ 0.20×)${differ ? `; ${differ} cells DIFFER from their run` : '; every cell = its run'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Throughput on one pool: the sweep's SGD steps per second (wall) against one run's (its SGD phase).
  const runner = new ExperimentRunner({ workerScript });
  try {
    const one = await prepareRun(runner, lossFile, { ...base, trials: cells * trials, compareGd: false, resolution: 3 });
    const single = (await runner.run(one.loss, one.config)).timing.trialsMs;
    const prepared = await prepareRun(runner, lossFile, { ...base, compareGd: false });
    const t0 = performance.now();
    await runSweep(runner, prepared.loss, resolveSweep(prepared.config, { radius, lr }));
    const tSweep = performance.now() - t0;
    const rate = (ms: number) => (cells * trials * steps) / (ms / 1000);
    rows.push([
      `sweep throughput: SGD steps/s, ${cells} cells vs one run of ${cells * trials} trials, pool of ${runner.size}`,
      `${(rate(tSweep) / 1e6).toFixed(2)} M/s`,
      `${(rate(single) / 1e6).toFixed(2)} M/s`,
      `${(rate(tSweep) / rate(single)).toFixed(2)}× (target ≥ 0.80×; the sweep's wall time includes x* and c per radius, L)`,
    ]);
    console.error(`  sweep throughput: ${(rate(tSweep) / 1e6).toFixed(2)} vs ${(rate(single) / 1e6).toFixed(2)} M steps/s`);
  } finally {
    runner.dispose();
  }
}

/**
 * Issue 15's target: the pool's speed-up on 2-D Rastrigin (pool of all cores against a pool of 1,
 * `timing.trialsMs`, TRIALS × STEPS without GD) as a share of the machine's ceiling for the same
 * work, the issue's own: the plain SGD loop in N threads at once against 1 (N × one / all). The
 * four are measured in turn in each of SHARE_ROUNDS rounds and the share is the median of the
 * rounds' shares, so a drift of the machine's speed (these VMs drift by 1.5× within minutes)
 * moves both sides of a round alike. Printed whenever the ceiling part runs.
 */
async function ceilingShare(input: RunConfigInput, ceilingMeasured: boolean): Promise<void> {
  const what = "pool speed-up against the machine's ceiling (2-D Rastrigin, pool of all cores vs pool of 1)";
  const n = availableParallelism();
  if (!ceilingMeasured) {
    targetRow(what, 'run with the ceiling part', undefined, '≥ 85%');
    return;
  }
  if (n === 1) {
    targetRow(what, 'one core: no speed-up to measure', undefined, '≥ 85%');
    return;
  }
  const runners = [1, n].map((workers) => new ExperimentRunner({ workerScript, workers }));
  const rounds: Array<{
    ceiling: number;
    speedup: number;
    one: number;
    all: number;
    pool1: number;
    poolN: number;
    cpuOne: number;
    cpuPool1: number;
  }> = [];
  // The process's CPU time over a measurement's wall time: above 1 with one thread at work, the
  // rest is V8's background threads (its optimizing compiler, GC), which with all cores busy take
  // their time from the workers.
  const cpuPerWall = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await f();
    const c = process.cpuUsage(c0);
    return [value, (c.user + c.system) / 1000 / (performance.now() - t0)];
  };
  try {
    const prepared = await Promise.all(runners.map((r) => prepareRun(r, lossFile, { ...input, compareGd: false, resolution: 3 })));
    const trialsMs = async (i: number) => (await runners[i].run(prepared[i].loss, prepared[i].config)).timing.trialsMs;
    for (let r = 0; r < SHARE_ROUNDS; r++) {
      const [one, cpuOne] = await cpuPerWall(() => ceilingWall('plain', 1));
      const all = await ceilingWall('plain', n);
      const [pool1, cpuPool1] = await cpuPerWall(() => trialsMs(0));
      const poolN = await trialsMs(1);
      rounds.push({ ceiling: (n * one) / all, speedup: pool1 / poolN, one, all, pool1, poolN, cpuOne, cpuPool1 });
    }
  } finally {
    runners.forEach((r) => r.dispose());
  }
  const ceiling = median(rounds.map((r) => r.ceiling));
  const speedup = median(rounds.map((r) => r.speedup));
  const share = median(rounds.map((r) => r.speedup / r.ceiling));
  // The same from each time's best over the rounds (the estimator the bench used before: the
  // machine at its fastest for each, not paired), printed beside the target's median.
  const best = (k: 'one' | 'all' | 'pool1' | 'poolN') => Math.min(...rounds.map((r) => r[k]));
  const bestShare = best('pool1') / best('poolN') / ((n * best('one')) / best('all'));
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  rows.push([
    `machine ceiling for the pool's work: the plain SGD loop (2-D Rastrigin, ${TRIALS}×${STEPS}) in ${n} threads at once vs 1 (median of ${rounds.length} rounds)`,
    `${ceiling.toFixed(2)}`,
    '—',
    `rounds ${range(rounds.map((r) => r.ceiling))}; the pool's speed-up in the same rounds ${speedup.toFixed(2)} (${range(rounds.map((r) => r.speedup))})`,
  ]);
  rows.push([
    "background CPU beside one thread's work: process CPU / wall, the pool of 1's whole run (fresh worker) vs the plain loop's thread",
    `${median(rounds.map((r) => r.cpuPool1)).toFixed(2)}`,
    `${median(rounds.map((r) => r.cpuOne)).toFixed(2)}`,
    `median of ${rounds.length} rounds (pool ${range(rounds.map((r) => r.cpuPool1))}): above 1 is V8's compiler and GC on other threads, free on an idle core, taken from the other workers when all ${n} are busy`,
  ]);
  targetRow(
    what,
    `${(100 * share).toFixed(0)}% (median of ${rounds.length} rounds' speed-up / ceiling, ${range(rounds.map((r) => r.speedup / r.ceiling))}` +
      (measured.ceilingArithmetic === undefined
        ? ''
        : `; against the arithmetic loop's ceiling ${measured.ceilingArithmetic.toFixed(2)}: ${((100 * speedup) / measured.ceilingArithmetic).toFixed(0)}%`) +
      `; from each time's best over the rounds: ${(100 * bestShare).toFixed(0)}%` +
      `; load ${load})`,
    share >= 0.85,
    '≥ 85%',
  );
}

/** The arithmetic loop's ceiling, when measured (printed beside the pool's target). */
const measured: { ceilingArithmetic?: number } = {};

/** A target of issue 15: its measured value and whether it is met. */
function targetRow(what: string, value: string, met: boolean | undefined, target: string) {
  const verdict = met === undefined ? 'not measured' : met ? 'met' : 'NOT MET';
  rows.push([`target: ${what}`, value, '—', `${verdict} (target ${target})`]);
  console.error(`  target ${what}: ${value} — ${verdict} (target ${target})`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** `python3` when it can import numpy (Debian: apt-get install python3-numpy), and whether it has jax. */
function findPython(): { python?: string; jax: boolean } {
  const ok = (args: string[]) => spawnSync('python3', args, { encoding: 'utf8' }).status === 0;
  if (!ok(['-c', 'import numpy'])) return { jax: false };
  return { python: 'python3', jax: ok(['-c', 'import jax']) };
}

/**
 * Issue 15: whole processes on 2-D Rastrigin with central differences (lr 0.002, uniform noise
 * 0.3, default settings otherwise: landscape, diagnostics, RESULT.json written), each scale's
 * commands run in turn, round after round (interleaved, so the ratios hold while the machine's
 * load drifts); every figure a median over rounds of the ratio to the plain single-core loop
 * measured in the same round: the CLI with GD (the default) and without, numpy vectorized over
 * the trials (when python3 imports numpy) and JAX jit + vmap (when it imports jax). Then the
 * issue's targets, each with its measured value.
 */
async function speedBench(): Promise<void> {
  const scales: Array<[number, number]> = quick
    ? [
        [100, 2000],
        [100, 20000],
        [200, 10000],
        [1000, 1000],
      ]
    : [
        [100, 2000],
        [100, 20000],
        [2000, 10000],
        [10000, 1000],
      ];
  const rounds = quick ? 1 : 3;
  const { python, jax } = findPython();
  const cli = join(root, 'dist', 'cli.js');
  const plain = join(root, 'dist', 'bench-plain.js');
  const dir = mkdtempSync(join(tmpdir(), 'sgd-bench-speed-'));
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.error(
    `  issue 15 scales: load average ${load()}${python ? '' : '; no python3 with numpy: no numpy column'}${jax ? '' : '; no jax: no JAX column'}`,
  );
  const results: Record<
    string,
    { ratio: Record<string, number>; plainMs: number; bytes: Record<string, number>; peakMiB: Record<string, number> }
  > = {};
  try {
    for (const [trials, steps] of scales) {
      const key = `${trials}×${steps}`;
      const commands: Record<string, string[]> = { plain: [process.execPath, plain, String(trials), String(steps)] };
      for (const gd of [true, false]) {
        const name = gd ? 'gd' : 'nogd';
        const config = join(dir, `${name}.json`);
        writeFileSync(
          config,
          JSON.stringify({
            function: 'rastrigin',
            seed: 1,
            trials,
            init: { low: [-5.12, -5.12], high: [5.12, 5.12] },
            stages: [{ lr: 0.002, radius: 0.3, steps, noise: 'uniform' }],
            compareGd: gd,
          }),
        );
        commands[name] = [process.execPath, cli, 'run', lossFile, '--config', config, '--out', join(dir, `${name}-out.json`), '--quiet'];
      }
      if (python) commands.numpy = [python, join(root, 'bench', 'reference_numpy.py'), String(trials), String(steps)];
      if (python && jax) commands.jax = [python, join(root, 'bench', 'reference_jax.py'), String(trials), String(steps)];
      const times: Record<string, number[]> = {};
      const peaks: Record<string, number[]> = {};
      for (let r = 0; r < rounds; r++) {
        for (const [name, [cmd, ...args]] of Object.entries(commands)) {
          const peakFile = join(dir, `${name}.peak`);
          rmSync(peakFile, { force: true });
          const env =
            name === 'gd' || name === 'nogd'
              ? { ...process.env, NODE_OPTIONS: `--require ${join(root, 'bench', 'peak.cjs')}`, BENCH_PEAK_FILE: peakFile }
              : process.env;
          const t0 = performance.now();
          const run = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
          const t = performance.now() - t0;
          if (run.status !== 0) throw new Error(`${name} at ${key} failed (${run.status}): ${run.stderr}`);
          (times[name] ??= []).push(t);
          if (env !== process.env)
            (peaks[name] ??= []).push(Math.max(...readFileSync(peakFile, 'utf8').trim().split('\n').map(Number)) / 1024);
        }
      }
      const ratio: Record<string, number> = {};
      for (const name of Object.keys(commands)) ratio[name] = median(times[name].map((t, r) => t / times.plain[r]));
      const bytes: Record<string, number> = {};
      const peakMiB: Record<string, number> = {};
      for (const name of ['gd', 'nogd']) {
        bytes[name] = statSync(join(dir, `${name}-out.json`)).size;
        peakMiB[name] = median(peaks[name]);
      }
      results[key] = { ratio, plainMs: median(times.plain), bytes, peakMiB };
      const ref = (name: string, label: string) => (ratio[name] === undefined ? `${label} —` : `${label} ${ratio[name].toFixed(2)}×`);
      rows.push([
        `issue 15: ${key}, whole process, 2-D Rastrigin, central differences (${rounds} interleaved round${rounds === 1 ? '' : 's'}, load ${load()})`,
        `CLI ${ratio.gd.toFixed(2)}×, no GD ${ratio.nogd.toFixed(2)}×`,
        `plain loop ${results[key].plainMs.toFixed(0)} ms`,
        `${ref('numpy', 'numpy')}, ${ref('jax', 'JAX')}; RESULT.json ${(bytes.gd / 1e6).toFixed(1)} MB (no GD ${(bytes.nogd / 1e6).toFixed(1)}), peak ${peakMiB.gd.toFixed(0)} MiB`,
      ]);
      console.error(
        `  ${key}: CLI ${ratio.gd.toFixed(2)}× (no GD ${ratio.nogd.toFixed(2)}×) of the plain loop's ${results[key].plainMs.toFixed(0)} ms`,
      );
    }

    // Same seed, same numbers on 1 and 2 workers (the whole RESULT.json but its timing and date).
    const config = join(dir, 'gd.json');
    const same = [1, 2].map((workers) => {
      const out = join(dir, `w${workers}.json`);
      const run = spawnSync(
        process.execPath,
        [cli, 'run', lossFile, '--config', config, '--out', out, '--workers', String(workers), '--quiet'],
        { encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(`--workers ${workers} failed: ${run.stderr}`);
      const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      delete r.timing;
      delete r.startedAt;
      return JSON.stringify(r);
    });

    // The extension's path: its pool (keepWarm: fresh workers started ahead of each run, the
    // landscapes of its last runs kept), a prepared run, then "Run again" with another seed.
    const runner = new ExperimentRunner({ workerScript, keepWarm: true });
    let firstMs = Infinity;
    let runMs = Infinity;
    try {
      runner.prestart();
      const input = (seed: number) => ({
        function: 'rastrigin',
        seed,
        trials: 100,
        init: { low: [-5.12, -5.12], high: [5.12, 5.12] },
        stages: [{ lr: 0.002, radius: 0.3, steps: 2000, noise: 'uniform' as const }],
      });
      const first = await prepareRun(runner, lossFile, input(1));
      await new Promise((resolve) => setTimeout(resolve, 500)); // the workers are up, as when the user presses Run
      let t0 = performance.now();
      await runner.run(first.loss, first.config);
      firstMs = performance.now() - t0;
      const ms: number[] = [];
      for (let i = 0; i < Math.max(3, rounds); i++) {
        const again = await prepareRun(runner, lossFile, input(2 + i));
        await new Promise((resolve) => setTimeout(resolve, 500));
        t0 = performance.now();
        await runner.run(again.loss, again.config);
        ms.push(performance.now() - t0);
      }
      runMs = median(ms);
    } finally {
      runner.dispose();
    }

    // The issue's scales (BENCH_QUICK: the smaller ones in their place, named as run).
    const [bigKey, wideKey] = quick ? ['200×10000', '1000×1000'] : ['2000×10000', '10000×1000'];
    const big = results[bigKey];
    const wide = results[wideKey];
    const paper = results['100×2000'];
    targetRow(`${bigKey}, GD on`, `${big.ratio.gd.toFixed(2)}× the plain loop`, big.ratio.gd <= 0.75, '≤ 0.75×');
    targetRow(`${bigKey}, no GD`, `${big.ratio.nogd.toFixed(2)}× the plain loop`, big.ratio.nogd <= 0.6, '≤ 0.6×');
    targetRow(`${wideKey}, default`, `${wide.ratio.gd.toFixed(2)}× the plain loop`, wide.ratio.gd <= 1, '≤ 1.0×');
    targetRow(`${wideKey} RESULT.json`, `${(wide.bytes.gd / 1e6).toFixed(1)} MB`, wide.bytes.gd <= 10e6, '≤ 10 MB');
    targetRow(`${wideKey} peak memory`, `${wide.peakMiB.gd.toFixed(0)} MiB`, wide.peakMiB.gd <= 400, '≤ 400 MiB');
    targetRow(
      '100 × 2000, whole CLI process against numpy',
      paper.ratio.numpy === undefined
        ? 'no numpy here (apt-get install python3-numpy)'
        : `${(paper.ratio.gd / paper.ratio.numpy).toFixed(2)}× numpy's time`,
      paper.ratio.numpy === undefined ? undefined : paper.ratio.gd < paper.ratio.numpy,
      '< 1×: faster than numpy',
    );
    targetRow(
      '100 × 2000 on the warm pool, prepared: run started → finished (run again, another seed)',
      `${runMs.toFixed(0)} ms (the first run, landscape computed: ${firstMs.toFixed(0)} ms)`,
      runMs <= 50,
      '≤ 50 ms',
    );
    targetRow('100 × 2000 in the extension: run started → charts drawn', 'not timed by the bench (needs VS Code)', undefined, '≤ 150 ms');
    targetRow(
      'same seed, same numbers on 1 and 2 workers (RESULT.json but timing)',
      same[0] === same[1] ? 'identical' : 'DIFFERENT',
      same[0] === same[1],
      'identical',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.error(`sgd-landscape bench: node ${process.version}, ${availableParallelism()} cores${quick ? ', QUICK (10× smaller)' : ''}`);
  const only = process.env.BENCH_ONLY;
  const part = (name: string) => !only || only.split(',').includes(name);
  if (part('ceiling')) await machineCeiling();
  const fig3Input: RunConfigInput = {
    function: 'figure3',
    trials: TRIALS,
    init: { low: [-3], high: [3] },
    stages: [{ lr: 0.01, radius: 0.3, steps: STEPS, noise: 'uniform' }],
  };
  if (part('trials'))
    await trialsBench('Figure 3 f', fig3Input, adaptLoss(figure3, 'scalars', 1), (s) => plainSgd1d(figure3, s, 0.01, 0.3, STEPS), 1);
  const rastInput: RunConfigInput = {
    function: 'rastrigin',
    trials: TRIALS,
    init: { low: [-5.12, -5.12], high: [5.12, 5.12] },
    stages: [{ lr: 0.002, radius: 0.3, steps: STEPS, noise: 'uniform' }],
  };
  if (part('trials'))
    await trialsBench(
      '2-D Rastrigin',
      rastInput,
      adaptLoss(rastrigin, 'scalars', 2),
      (s) => plainSgd2d(rastrigin, s, 0.002, 0.3, STEPS),
      2,
    );
  if (part('landscape')) await landscapeBench();
  if (part('host')) await hostResponsiveness();
  if (part('failures')) await failureLatency();
  if (part('sweep')) await sweepBench();
  if (part('minibatch')) await minibatchBench();
  if (part('speed')) await speedBench();
  if (part('ceiling') || part('speed')) await ceilingShare(rastInput, part('ceiling'));

  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['what', 'engine', 'reference', 'ratio'][i].length));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join(' | ');
  console.log(line(['what', 'engine', 'reference', 'ratio']));
  console.log(w.map((n) => '-'.repeat(n)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

void main();
