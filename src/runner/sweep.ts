/**
 * A sweep on the worker pool: the cells of one shard (or all), each an ordinary run's numbers,
 * with what cells share computed once — L once, x* and c once per radius (`targetKey`), GD once
 * per learning rate (`gdKey`) — and queued before the cells that wait for them. Used by the CLI
 * (`sgd-landscape sweep`) and the extension alike.
 */
import {
  assembleSweep,
  cellConfig,
  gdKey,
  shardRange,
  sweepPoints,
  targetKey,
  type SweepCell,
  type SweepConfig,
  type SweepResult,
  type SweepTarget,
} from '../engine/sweep';
import { totalSteps } from '../engine/schedule';
import type { MethodResult } from '../engine/types';
import type { LossRef } from '../protocol/worker';
import type { ExperimentRunner } from './pool';
import { ProgressTally } from './plan';

export interface SweepOptions {
  /** Run only cells of shard `index` of `count` (a partial result). */
  shard?: { index: number; count: number };
  signal?: AbortSignal;
  source?: { file: string; exportName: string };
  /** Work done over the whole sweep (in trial steps), as cells and shared tasks progress. */
  onProgress?(done: number, total: number): void;
  /** A cell is done: its index in the whole grid (SWEEP-RESULT.json's cells) and its numbers. */
  onCell?(index: number, cell: SweepCell): void;
}

/** Runs a sweep (or one shard of it); rejects with RunFailure like a run. */
export async function runSweep(
  runner: ExperimentRunner,
  loss: LossRef,
  config: SweepConfig,
  opts: SweepOptions = {},
): Promise<SweepResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const points = sweepPoints(config);
  const [from, to] = opts.shard ? shardRange(points.length, opts.shard.index, opts.shard.count) : [0, points.length];
  const configs = points.slice(from, to).map((p) => cellConfig(config, p));
  const tally = new ProgressTally();
  const progress = (weight: number) => {
    const report = tally.add(weight);
    return (done: number, total: number) => {
      report(done, total);
      const s = tally.snapshot;
      opts.onProgress?.(s.done, s.total);
    };
  };
  const steps = (c: (typeof configs)[number]) => Math.max(1, c.trials * totalSteps(c));

  const cells = await runner.batch(loss, opts.signal, async (submit) => {
    if (configs.length === 0) return [];
    // Shared work first (the scheduler's queue is first come, first served), cells after.
    const L = submit(configs[0], { kind: 'smoothness', args: {} }, { onProgress: progress(steps(configs[0]) / 20) }).result.then(
      (s) => s.L,
    );
    const targets = new Map<string, Promise<SweepTarget>>();
    const gds = new Map<string, Promise<MethodResult>>();
    for (const c of configs) {
      const tk = targetKey(c);
      if (!targets.has(tk)) {
        targets.set(tk, submit(c, { kind: 'sweepTarget', args: {} }, { onProgress: progress(steps(c) / 10) }).result);
      }
      const gk = gdKey(c);
      if (c.compareGd && !gds.has(gk)) {
        const task = { kind: 'trials', args: { method: 'gd', from: 0, to: c.trials, lean: true } } as const;
        gds.set(gk, submit(c, task, { onProgress: progress(steps(c)) }).result);
      }
    }
    // A failure ends the batch; the other shared tasks' later rejections are expected.
    for (const p of [L, ...targets.values(), ...gds.values()]) p.catch(() => undefined);
    const reports = configs.map((c) => progress(steps(c)));
    return Promise.all(
      configs.map(async (c, i) => {
        const [target, l, gd] = await Promise.all([targets.get(targetKey(c))!, L, c.compareGd ? gds.get(gdKey(c)) : undefined]);
        const args = { target, L: l, ...(gd ? { gd: { finals: gd.finals, divergedMask: gd.divergedMask } } : {}) };
        const cell = await submit(c, { kind: 'sweepCell', args }, { onProgress: reports[i] }).result;
        opts.onCell?.(from + i, cell);
        return cell;
      }),
    );
  });
  return assembleSweep(config, cells, {
    shard: opts.shard,
    source: opts.source,
    timing: { startedAt: startedAt.toISOString(), totalMs: performance.now() - t0, workers: runner.size },
  });
}
