/**
 * Plain-words readings of a result: the one-paragraph summary, success counts and the
 * Theorem 1 comparison. Pure (no DOM); unit-tested in test/unit/webview-summary.test.ts.
 * What the side panel calls takes a part of `SideViewResult` (what the host posts it); the panel
 * passes its full `ViewResult`, which is one.
 */
import type { LiveView, RunStatus, RunSummary, SideViewResult, ViewResult } from '../../src/protocol/webview';
import { formatDuration, formatFraction, formatNumber, formatPercent, formatPoint } from './format';

import { notMinimiserText, statedXStarText } from '../../src/view/theorem1';
import { gradientNoiseText, unsmoothedNoiseText } from '../../src/view/gradientNoise';
import { gapLines } from '../../src/view/gaps';

export { theorem3Text, theoremText } from '../../src/view/theorem1';
import { divergenceText } from '../../src/view/divergence';
import { descentTargetsWhere, minimaSearchText, outsideFinalsText } from '../../src/view/minima';

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
export function runLabel(view: Pick<SideViewResult, 'config' | 'source'>): string {
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
  const found =
    live.view.config.dim > 2 && !live.view.config.xStar
      ? ' x* is then found by descent from the finals and the slices are recomputed through it; until then they pass through the centre of the domain, and ‖x − x*‖ is measured from their lowest point.'
      : '';
  return `${counts}${gd} done so far; the charts fill in as trials finish. Diagnostics (c(y), Theorem 1, Figure 5) appear when the run completes.${found}`;
}

/** "Adam (x_T)": a method's name, saying when its finals are x_T rather than the paper's y_T. */
function methodName(m: { name: string; finalsAre?: string }): string {
  return m.finalsAre === 'x_T' ? `${m.name} (x_T)` : m.name;
}

/**
 * Trials that ended within successRadius of a target (x*, or any of the minima that count), for
 * every method of the run (SGD beside GD by default).
 */
export function successText(view: Pick<SideViewResult, 'config' | 'diagnostics' | 'methods' | 'gd'>): string {
  const d = view.diagnostics;
  const n = view.config.trials;
  const targets = d.targets ?? [d.xStar];
  const r = formatNumber(d.successRadius);
  const search = d.targetsSource === 'descent' ? d.minimaSearch : undefined;
  const where = search
    ? descentTargetsWhere(d, search)
    : targets.length > 1
      ? `within ${r} of one of the ${targets.length} targets`
      : d.targetsSource === 'x-star' || d.targetsSource === undefined || d.xStarTarget === 0
        ? `within ${r} of x* = ${formatPoint(d.xStar)}`
        : `within ${r} of the target ${formatPoint(targets[0]!)}`;
  if (view.methods && view.methods.length > 0 && !view.methods.every((m) => m.role !== undefined)) {
    return `Ended ${where}: ${view.methods.map((m) => `${methodName(m)} ${formatFraction(m.success, n)}`).join('; ')}.`;
  }
  const gd = view.gd ? `; GD ${formatFraction(d.successGd, n)}` : '';
  return `Ended ${where}: SGD ${formatFraction(d.successSgd, n)}${gd}.`;
}

/** "(3, 2)" with few digits, for lists of points. */
const point = (p: readonly number[]) => formatPoint(p);

/**
 * The targets success counts against and where they came from ("4 global minima found: …"), the
 * successes per target when there are several, which target c(y) and Theorem 1 refer to, and the
 * finals outside the plot ("12 finals outside the plot …", `outsideFinalsText`). Empty for the paper's one x* with
 * every final inside.
 */
export function targetsText(view: ViewResult): string {
  const d = view.diagnostics;
  const targets = d.targets ?? [];
  const parts: string[] = [];
  const search = d.targetsSource === 'descent' ? d.minimaSearch : undefined;
  const methods = view.methods ?? [];
  if (search) {
    parts.push(minimaSearchText(d, search, (i) => (methods[i] ? methodName(methods[i]) : i === 0 ? 'SGD' : 'GD')));
  } else if (d.targetsSource === 'found') {
    parts.push(`${targets.length} global minim${targets.length === 1 ? 'um' : 'a'} found: ${targets.map(point).join(', ')}.`);
  } else if (d.targetsSource === 'declared') {
    parts.push(`${targets.length} declared target${targets.length === 1 ? '' : 's'}: ${targets.map(point).join(', ')}.`);
  }
  // Per-target counts of dozens of symmetric copies say nothing: left out for descent targets.
  if (targets.length > 1 && !search) {
    parts.push(
      d.xStarTarget >= 0
        ? `c(y) and Theorem 1 refer to target ${d.xStarTarget + 1}, x* = ${point(d.xStar)}.`
        : `c(y) and Theorem 1 refer to x* = ${point(d.xStar)}, none of the targets.`,
    );
    if (methods.length > 0)
      parts.push(`Successes per target: ${methods.map((m) => `${methodName(m)} ${m.perTarget.join(' / ')}`).join('; ')}.`);
  }
  const outside = outsideFinalsText(methods, view.config.dim, 'plot');
  if (outside) parts.push(outside);
  return parts.join(' ');
}

/** The estimated one-point convexity constant in words. */
export function convexityText(view: Pick<SideViewResult, 'config' | 'diagnostics'>): string {
  const d = view.diagnostics;
  const map = d.convexity[0];
  if (!map) return 'No c(y) in this result (no stage was run).';
  const c = d.c;
  const smoothed = map.radius > 0;
  const what = smoothed ? `smoothing radius ${formatNumber(map.radius)}` : `f itself, ${unsmoothedNoiseText(view.config.stages)}`;
  const where =
    map.region === 'domain'
      ? `on the slices' points inside the domain (${what}; no slice through x* meets the start box)`
      : `on the region where trials run (${what})`;
  const surface = smoothed ? 'the smoothed landscape' : 'f';
  const stated = statedXStarText(d.xStar, d.xStarSource, d.convexity);
  const last = stated ? ` ${stated}` : '';
  // x* not minimising g is said first: it decides Assumption 1 before any constant does.
  const first = map.xStarCheck && !map.xStarCheck.minimises ? `${notMinimiserText(map.xStarCheck, map.radius)} ` : '';
  if (!Number.isFinite(c)) return `${first}c could not be estimated ${where}.${last}`;
  if (c > 0) {
    return `${first}c ≈ ${formatNumber(c)} > 0 ${where}: ${surface} points toward x* everywhere there (Assumption 1 holds).${last}`;
  }
  return `${first}c ≈ ${formatNumber(c)} ≤ 0 ${where}: ${surface} points toward x* on ${formatPercent(map.positiveFraction)} of its grid points, so Assumption 1 fails somewhere (c(y) is lowest at y = ${formatPoint(map.argInf)}).${last}`;
}

/** The panel's summary line (data-testid="summary"). */
export function summaryText(view: ViewResult): string {
  const targets = targetsText(view);
  const parts = [successText(view), ...(targets ? [targets] : []), convexityText(view)];
  if (view.diagnostics.gradientNoise) parts.push(gradientNoiseText(view.diagnostics.gradientNoise));
  // Where f or g is not finite: gaps in the maps, left out of x*, c and L.
  for (const line of gapLines(view.landscape, view.source?.exportName ?? view.config.function)) parts.push(`${line}.`);
  const diverged = view.methods?.length ? view.methods.reduce((s, m) => s + m.diverged, 0) : view.sgd.diverged + (view.gd?.diverged ?? 0);
  const most = divergenceSummary(view);
  if (most) parts.push(most);
  else if (diverged > 0) parts.push(`${diverged} trial${diverged === 1 ? '' : 's'} diverged.`);
  return parts.join(' ');
}

/** "Most trials diverged (…). Likely cause: … Try η ≈ …" when a method diverged in more than half of its trials. */
export function divergenceSummary(view: Pick<SideViewResult, 'config' | 'diagnostics' | 'methods' | 'sgd' | 'gd'>): string | undefined {
  const counts = view.methods?.length
    ? view.methods.map((m) => ({ name: methodName(m), diverged: m.diverged }))
    : [{ name: 'SGD', diverged: view.sgd.diverged }, ...(view.gd ? [{ name: 'GD', diverged: view.gd.diverged }] : [])];
  return divergenceText(counts, view.config.trials, view.diagnostics.divergence);
}

/** Status line text. */
export function statusText(status: RunStatus, view?: Pick<SideViewResult, 'timing' | 'startedAt'>): string {
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
