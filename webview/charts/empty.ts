/**
 * Why a chart drew no data, in words for the user (shown over the chart's empty axes): all trials
 * diverged, a run without noise has no smoothed landscape, no checkpoints or sampled paths were
 * kept, a running experiment has no finished trial yet.
 */
import type { ViewMethodResult, ViewResult } from '../../src/protocol/webview';
import { formatNumber } from '../shared/format';
import type { ChartUi } from './chart';
import { shownSnapshot, shownStage } from './trials';

/** "All 200 SGD trials diverged" / "All 200 SGD and all 200 GD trials diverged", or undefined. */
function allDiverged(view: ViewResult): string | undefined {
  const all = (m: ViewMethodResult | undefined) => !!m && m.finals.length > 0 && m.diverged >= m.finals.length;
  if (view.methods && view.methods.length > 2) {
    return view.methods.every(all)
      ? `All ${view.sgd.finals.length} trials of every method (${view.methods.map((m) => m.name).join(', ')}) diverged`
      : undefined;
  }
  if (!all(view.sgd)) return undefined;
  return all(view.gd)
    ? `All ${view.sgd.finals.length} SGD and all ${view.gd!.finals.length} GD trials diverged`
    : `All ${view.sgd.finals.length} SGD trials diverged`;
}

/** No trial has finished yet (a live view before its first trials). */
const noneYet = (view: ViewResult) => view.sgd.finals.length === 0 && !view.gd?.finals.length;

function whereTrialsEnd(view: ViewResult, ui: ChartUi): string {
  if (noneYet(view)) return 'No trial has finished yet.';
  const snap = shownSnapshot(view, ui);
  if (snap) return `No trial is inside the domain at step ${snap.step}: they all left it or diverged by then.`;
  const stage = shownStage(view, ui);
  if (stage !== undefined) return `No trial is inside the domain after stage ${stage + 1}: they all diverged by then.`;
  const diverged = allDiverged(view);
  return diverged
    ? `${diverged}: no final iterate to show. A smaller learning rate η (now ${view.config.stages.map((st) => formatNumber(st.lr)).join(', ')}) usually helps.`
    : 'No final iterate to show.';
}

export const WHY_EMPTY: Record<string, (view: ViewResult, ui: ChartUi) => string> = {
  'chart-landscape': () => 'f has no finite value on the grid: the loss returned NaN or ±∞ everywhere it was sampled.',
  'chart-trajectories': (view) =>
    view.sgd.paths.length === 0
      ? noneYet(view)
        ? 'No trial has finished yet.'
        : `This run kept no sampled paths (sampleTrajectories is ${view.config.sampleTrajectories}).`
      : 'The sampled paths hold no finite point.',
  'chart-finals': whereTrialsEnd,
  'chart-histogram': whereTrialsEnd,
  'chart-convexity': (view) =>
    view.diagnostics.convexity.length === 0
      ? 'c(y) is measured on the smoothed landscape g, and no stage of this run adds noise (noise "none"), so there is no g.'
      : 'c(y) has no finite value on the grid.',
  ...Object.fromEntries(
    ['chart-fig5-inner', 'chart-fig5-probe', 'chart-fig5-gradnorm'].map((id) => [
      id,
      (view: ViewResult) =>
        view.diagnostics.trajectory.steps.length === 0
          ? 'Figure 5 is computed at checkpoints along the SGD trials, and this run kept none.'
          : allDiverged(view)
            ? `${allDiverged(view)}: Figure 5 averages over the trials that did not.`
            : 'No finite value along the SGD trials.',
    ]),
  ),
};
