/**
 * Where the trials are, for "Where trials end": at the end of the run (y_T, diverged trials left
 * out), in a multi-stage run at the end of the stage the user picked, or, while the time slider
 * stands before the end, every trial's x_t at the latest of the run's snapshot steps up to the
 * slider's step (RESULT.json `snapshots`: d ≤ 2).
 */
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import { interpolate1D } from '../shared/shape';
import { asLine, type ChartUi } from './chart';

/** The global step the time slider stands at. */
export function sliderStep(view: ViewResult, ui: ChartUi): number {
  const steps = view.sgd.pathSteps;
  if (steps.length === 0) return 0;
  if (ui.timeIndex < 0 || ui.timeIndex >= steps.length) return steps[steps.length - 1]!;
  return steps[ui.timeIndex]!;
}

/** A snapshot of every trial: its index in `snapshotSteps` and its step. */
export interface Snapshot {
  index: number;
  step: number;
}

/**
 * The snapshot "Where trials end" shows while the time slider stands before the run's end: the
 * latest snapshot step at or before the slider's (step 0 is always one); undefined at the end,
 * and for runs without snapshots (d > 2, too many trials, results stored before they existed).
 */
export function shownSnapshot(view: ViewResult, ui: ChartUi): Snapshot | undefined {
  if (ui.timeIndex < 0 || ui.timeIndex >= view.sgd.pathSteps.length - 1) return undefined;
  const steps = view.sgd.snapshotSteps ?? [];
  const at = sliderStep(view, ui);
  let index = -1;
  for (let i = 0; i < steps.length && steps[i]! <= at; i++) index = i;
  return index < 0 ? undefined : { index, step: steps[index]! };
}

/** What "Where trials end" shows, as a key: it changes only when the picture does (the time slider between two snapshots leaves it). */
export function whereKey(view: ViewResult, ui: ChartUi): string {
  const snap = shownSnapshot(view, ui);
  return `${view.runId}:${snap ? `step ${snap.step}` : `stage ${shownStage(view, ui) ?? 'end'}`}`;
}

/**
 * Every trial of `m` at snapshot `snap` that has not diverged by then: x_t, with f(x_t)
 * interpolated on the landscape grid in 1-D (NaN beyond).
 */
export function trialsAt(view: ViewResult, m: ViewMethodResult, snap: Snapshot): Array<{ y: number[]; loss: number }> {
  const f = view.config.dim === 1 ? asLine(view.landscape.f) : undefined;
  const out = [];
  for (const y of m.snapshots?.[snap.index] ?? []) {
    if (!y || !y.every((v) => Number.isFinite(v))) continue;
    out.push({ y, loss: f ? interpolate1D(view.landscape.x, f, y[0]!) : NaN });
  }
  return out;
}

/** The stage whose end "Where trials end" shows, or undefined for the end of the run. */
export function shownStage(view: ViewResult, ui: ChartUi): number | undefined {
  const last = view.config.stages.length - 1;
  if (view.config.dim > 2 || ui.finalsStage < 0 || ui.finalsStage >= last) return undefined;
  return ui.finalsStage;
}

/**
 * Where the trials of `m` are at the end of the run (y_T, f(y_T), diverged trials left out),
 * or at the end of stage `stage` (y after that stage; f interpolated on the landscape grid in
 * 1-D, as the result stores f only at the final iterates).
 */
export function finalsOf(view: ViewResult, m: ViewMethodResult, stage: number | undefined): Array<{ y: number[]; loss: number }> {
  const out = [];
  if (stage === undefined) {
    for (let i = 0; i < m.finals.length; i++) if (!m.divergedMask[i]) out.push({ y: m.finals[i]!, loss: m.finalLoss[i]! });
    return out;
  }
  const f = view.config.dim === 1 ? asLine(view.landscape.f) : undefined;
  for (const y of m.stageFinals[stage] ?? []) {
    if (!y.every((v) => Number.isFinite(v))) continue;
    out.push({ y, loss: f ? interpolate1D(view.landscape.x, f, y[0]!) : NaN });
  }
  return out;
}

/** "y_T", "y after stage 2" or "x at step 400". */
export function whereLabel(stage: number | undefined, snap?: Snapshot): string {
  if (snap) return `x at step ${snap.step}`;
  return stage === undefined ? 'y_T' : `y after stage ${stage + 1}`;
}
