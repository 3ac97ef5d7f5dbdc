/**
 * Plain-words readings of a result: the one-paragraph summary, success counts and the
 * Theorem 1 comparison. Pure (no DOM); unit-tested in test/unit/webview-summary.test.ts.
 */
import type { LiveView, RunStatus, RunSummary, ViewResult } from '../../src/protocol/webview';
import { formatDuration, formatFraction, formatNumber, formatPercent, formatPoint } from './format';

import { notMinimiserText } from '../../src/view/theorem1';
import { gradientNoiseText } from '../../src/view/gradientNoise';

export { theorem3Text, theoremText } from '../../src/view/theorem1';

/** Stage boundaries (global step at which stage i+1 starts) for rules on step axes. */
export function stageStarts(view: ViewResult): number[] {
  const out: number[] = [];
  let s = 0;
  for (const st of view.config.stages.slice(0, -1)) {
    s += st.steps;
    out.push(s);
  }
  return out;
}

/** "spikyBowl · 1-D · 100 trials · 1 stage (η 0.02, noise cube 0.3, 400 steps)" */
export function runLabel(view: ViewResult): string {
  const cfg = view.config;
  const name = view.source?.exportName ?? cfg.function;
  const stages = cfg.stages;
  const st =
    stages.length === 1
      ? `1 stage (η ${formatNumber(stages[0]!.lr)}, ${noiseText(stages[0]!.noise, stages[0]!.radius, stages[0]!.batchSize)}, ${stages[0]!.steps} steps)`
      : `${stages.length} stages (noise ${stages.map((s) => (s.noise === 'none' ? '0' : s.noise === 'minibatch' ? `B ${s.batchSize}` : formatNumber(s.radius))).join(' → ')})`;
  return `${name} · ${cfg.dim}-D · ${cfg.trials} trials · ${st}`;
}

export function noiseText(noise: string, radius: number, batchSize?: number): string {
  if (noise === 'minibatch') return `minibatch noise, B = ${batchSize}`;
  return noise === 'none' ? 'no noise (GD)' : `noise ${noise} ${formatNumber(radius)}`;
}

/** The label of a run while it goes: "running — 240 of 1000 trials" and what is still to come. */
export function liveText(live: LiveView): string {
  const counts = `running — ${live.trialsDone} of ${live.trials} trials`;
  if (!live.view) return `${counts}; the charts appear when the landscape is computed.`;
  const gd = live.view.gd ? ' (SGD and GD)' : '';
  return `${counts}${gd} done so far; the charts fill in as trials finish. Diagnostics (c(y), Theorem 1, Figure 5) appear when the run completes.`;
}

/** Trials that ended within successRadius of x*, SGD beside GD. */
export function successText(view: ViewResult): string {
  const d = view.diagnostics;
  const n = view.config.trials;
  const where = `within ${formatNumber(d.successRadius)} of x* = ${formatPoint(d.xStar)}`;
  const gd = view.gd ? `; GD ${formatFraction(d.successGd, n)}` : '';
  return `Ended ${where}: SGD ${formatFraction(d.successSgd, n)}${gd}.`;
}

/** The estimated one-point convexity constant in words. */
export function convexityText(view: ViewResult): string {
  const d = view.diagnostics;
  const map = d.convexity[0];
  if (!map) return 'No c(y) in this result (no stage was run).';
  const c = d.c;
  const smoothed = map.radius > 0;
  const where = `on the region where trials run (${smoothed ? `smoothing radius ${formatNumber(map.radius)}` : 'f itself, no noise'})`;
  const surface = smoothed ? 'the smoothed landscape' : 'f';
  // x* not minimising g is said first: it decides Assumption 1 before any constant does.
  const first = map.xStarCheck && !map.xStarCheck.minimises ? `${notMinimiserText(map.xStarCheck, map.radius)} ` : '';
  if (!Number.isFinite(c)) return `${first}c could not be estimated ${where}.`;
  if (c > 0) {
    return `${first}c ≈ ${formatNumber(c)} > 0 ${where}: ${surface} points toward x* everywhere there (Assumption 1 holds).`;
  }
  return `${first}c ≈ ${formatNumber(c)} ≤ 0 ${where}: ${surface} points toward x* on ${formatPercent(map.positiveFraction)} of its grid points, so Assumption 1 fails somewhere (c(y) is lowest at y = ${formatPoint(map.argInf)}).`;
}

/** The panel's summary line (data-testid="summary"). */
export function summaryText(view: ViewResult): string {
  const parts = [successText(view), convexityText(view)];
  if (view.diagnostics.gradientNoise) parts.push(gradientNoiseText(view.diagnostics.gradientNoise));
  const diverged = view.sgd.diverged + (view.gd?.diverged ?? 0);
  if (diverged > 0) parts.push(`${diverged} trial${diverged === 1 ? '' : 's'} diverged.`);
  return parts.join(' ');
}

/** Status line text. */
export function statusText(status: RunStatus, view?: ViewResult): string {
  switch (status.kind) {
    case 'idle':
      return view
        ? `Finished in ${formatDuration(view.timing.totalMs)} on ${view.timing.workers} worker${view.timing.workers === 1 ? '' : 's'}; started ${view.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}.`
        : 'No run yet. Pick a function in the SGD Landscape side panel and press Run.';
    case 'running': {
      const pct = status.total > 0 ? ` ${formatPercent(status.done / status.total)}` : '';
      return `Running ${status.label}: ${status.phase}${pct}`;
    }
    case 'error':
      return 'The last run failed' + (view ? '; showing the previous result.' : '.');
    case 'cancelled':
      return 'Stopped' + (view ? '; showing the previous result.' : '.');
  }
}

/** One line for a recent run in the side panel. */
export function recentRunText(r: RunSummary): string {
  const gd = r.successGd >= 0 ? `, GD ${r.successGd}` : '';
  return `${r.exportName} (${r.dim}-D): SGD ${r.successSgd}/${r.trials}${gd}, c ${formatNumber(r.c)}`;
}
