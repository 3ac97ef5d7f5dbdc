/**
 * One experiment in one thread: SGD and GD trials, the landscape, the diagnostics. The worker
 * pool (src/runner/pool.ts) runs the same pieces spread over threads and assembles them with
 * `assembleResult`, so both paths give identical numbers.
 */
import { computeDiagnostics } from './diagnostics';
import { computeLandscape } from './landscape';
import { runTrials, type TrialHooks } from './sgd';
import type { Diagnostics, ExperimentResult, Gradient, Landscape, Loss, MethodResult, RunConfig, RunTiming } from './types';

export function assembleResult(
  config: RunConfig,
  sgd: MethodResult,
  gd: MethodResult | undefined,
  landscape: Landscape,
  diagnostics: Diagnostics,
  timing: RunTiming,
  startedAt: Date,
  source?: { file: string; exportName: string },
): ExperimentResult {
  const result: ExperimentResult = {
    version: 1,
    config,
    finals: sgd.finals,
    diverged: sgd.diverged,
    sgd,
    landscape,
    diagnostics,
    timing,
    startedAt: startedAt.toISOString(),
  };
  if (gd) result.gd = gd;
  if (source) result.source = source;
  return result;
}

export function runExperiment(loss: Loss, grad: Gradient | undefined, config: RunConfig, hooks: TrialHooks = {}): ExperimentResult {
  const startedAt = new Date();
  const t0 = performance.now();
  const sgd = runTrials(loss, grad, config, 'sgd', 0, config.trials, hooks);
  const t1 = performance.now();
  const gd = config.compareGd ? runTrials(loss, grad, config, 'gd', 0, config.trials, hooks) : undefined;
  const t2 = performance.now();
  const landscape = computeLandscape(loss, config, { xStar: config.xStar });
  const t3 = performance.now();
  const diagnostics = computeDiagnostics(loss, grad, config, landscape, sgd, gd, config.xStar);
  const t4 = performance.now();
  const timing: RunTiming = {
    trialsMs: t1 - t0,
    gdMs: t2 - t1,
    landscapeMs: t3 - t2,
    diagnosticsMs: t4 - t3,
    totalMs: t4 - t0,
    workers: 1,
  };
  return assembleResult(config, sgd, gd, landscape, diagnostics, timing, startedAt);
}
