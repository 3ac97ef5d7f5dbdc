/**
 * Where the trials are, for "Where trials end": at the end of the run (y_T, diverged trials left
 * out) or, in a multi-stage run, at the end of the stage the user picked.
 */
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import { interpolate1D } from '../shared/shape';
import { asLine, type ChartUi } from './chart';

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

/** "y_T" or "y after stage 2". */
export function whereLabel(stage: number | undefined): string {
  return stage === undefined ? 'y_T' : `y after stage ${stage + 1}`;
}
