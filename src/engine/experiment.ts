/**
 * One experiment in one thread: every method's trials, the landscape, the diagnostics. The
 * worker pool (src/runner/pool.ts) runs the same pieces spread over threads and assembles them
 * with `assembleResult`, so both paths give identical numbers.
 */
import { methodRoles } from './config';
import { finishRun } from './diagnostics';
import { computeLandscape, type GradientGrid } from './landscape';
import { RESULT_VERSION } from './resultFile';
import { runTrials, type TrialHooks } from './sgd';
import type { Diagnostics, ExperimentResult, Gradient, Landscape, Loss, MethodResult, MethodRun, RunConfig, RunTiming } from './types';

/**
 * The result: `methods` (each method's spec, trials and success, in config order) with `sgd` and
 * `gd` pointing at the methods of those roles (`methodRoles`), as RESULT.json had them before
 * methods existed (RESULT.json no longer writes them: `toResultFile`).
 */
export function assembleResult(
  config: RunConfig,
  methods: MethodResult[],
  landscape: Landscape,
  diagnostics: Diagnostics,
  timing: RunTiming,
  startedAt: Date,
  source?: { file: string; exportName: string },
): ExperimentResult {
  const roles = methodRoles(config);
  const runs: MethodRun[] = methods.map((m, i) => {
    // What only the diagnostics needed (Figure 5 sums, Theorem 3's checkpoints) stays out.
    const { figure5: _sums, checkpointX: _x, checkpointGrad2: _g2, ...kept } = m;
    const run: MethodRun = { ...config.methods[i], ...kept, ...diagnostics.methods[i] };
    if (i === roles.sgd) run.role = 'sgd';
    else if (i === roles.gd) run.role = 'gd';
    return run;
  });
  const sgd = runs[roles.sgd];
  const result: ExperimentResult = {
    version: RESULT_VERSION,
    config,
    finals: sgd.finals,
    diverged: sgd.diverged,
    methods: runs,
    sgd,
    landscape,
    diagnostics,
    timing,
    startedAt: startedAt.toISOString(),
  };
  if (roles.gd >= 0) result.gd = runs[roles.gd];
  if (source) result.source = source;
  return result;
}

export function runExperiment(loss: Loss, grad: Gradient | undefined, config: RunConfig, hooks: TrialHooks = {}): ExperimentResult {
  const startedAt = new Date();
  const t0 = performance.now();
  const methods: MethodResult[] = [];
  const methodsMs: number[] = [];
  for (const m of config.methods) {
    const t = performance.now();
    methods.push(runTrials(loss, grad, config, m, 0, config.trials, hooks));
    methodsMs.push(performance.now() - t);
  }
  const t2 = performance.now();
  // 2-D: ∇g for the c(y) maps in the same pass as g where it can (as the pool's landscape tasks).
  const gradients: GradientGrid[] = [];
  const sliced = computeLandscape(loss, config, { xStar: config.xStar, gradientsOut: gradients });
  const t3 = performance.now();
  // d > 2: the slices are recomputed through the x* found from the finals (finishRun).
  const { landscape, diagnostics } = finishRun(loss, grad, config, sliced, methods, config.xStar, { gradients });
  const t4 = performance.now();
  const roles = methodRoles(config);
  const timing: RunTiming = {
    trialsMs: methodsMs[roles.sgd],
    gdMs: roles.gd >= 0 ? methodsMs[roles.gd] : 0,
    methodsMs,
    landscapeMs: t3 - t2,
    diagnosticsMs: t4 - t3,
    totalMs: t4 - t0,
    workers: 1,
  };
  return assembleResult(config, methods, landscape, diagnostics, timing, startedAt);
}
