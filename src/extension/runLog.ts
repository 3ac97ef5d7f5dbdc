/**
 * Lines the run service writes to the output channel: the host thread's responsiveness while a
 * run goes, and a finished run's timing and outcome. No `vscode`.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ExperimentResult } from '../engine/types';
import { minimaSearchText } from '../view/minima';

/** The largest event-loop delay and the busy share of this thread while a run goes, for the log. */
export function loopMonitor(): { text(): string; stop(): void } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  return {
    text() {
      const elu = performance.eventLoopUtilization(elu0);
      return `host event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms; host thread busy ${elu.active.toFixed(0)} ms (${(elu.utilization * 100).toFixed(1)}%)`;
    },
    stop: () => delay.disable(),
  };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(+v.toPrecision(4)) : String(v);
}

/** Timing and outcome of a finished run. */
export function resultLines(result: ExperimentResult): string[] {
  const t = result.timing;
  const d = result.diagnostics;
  return [
    `  timing: trials ${t.trialsMs.toFixed(0)} ms, gd ${t.gdMs.toFixed(0)} ms, landscape ${t.landscapeMs.toFixed(0)} ms, diagnostics ${t.diagnosticsMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms on ${t.workers} workers`,
    `  outcome: c = ${fmt(d.c)}, x* = [${d.xStar.map(fmt).join(', ')}] (${d.xStarSource}), success SGD ${d.successSgd}/${result.config.trials}` +
      (result.gd ? `, GD ${d.successGd}/${result.config.trials}` : '') +
      `, diverged ${result.diverged}`,
    ...methodLines(result),
  ];
}

/**
 * Beyond the paper's pair: each method's success (per target when there are several) and
 * divergence; the targets when they were found on the grid.
 */
function methodLines(result: ExperimentResult): string[] {
  const d = result.diagnostics;
  const n = result.config.trials;
  const out: string[] = [];
  if (d.targetsSource === 'found')
    out.push(`  targets: ${d.targets.length} global minima of f found: ${d.targets.map((t) => `(${t.map(fmt).join(', ')})`).join(', ')}`);
  const methods = result.methods ?? [];
  const search = d.targetsSource === 'descent' ? d.minimaSearch : undefined;
  if (search) out.push(`  targets: ${minimaSearchText(d, search, (i) => methods[i]?.name ?? (i === 0 ? 'SGD' : 'GD'))}`);
  if (methods.every((m) => m.role !== undefined) && d.targets.length === 1) return out;
  for (const m of methods) {
    const per = d.targets.length > 1 && !search ? ` (${m.perTarget.join(' / ')})` : '';
    const outside = m.outside > 0 ? `, ${m.outside} outside the domain` : '';
    out.push(`  ${m.name} (${m.optimizer.kind}): success ${m.success}/${n}${per}, diverged ${m.diverged}${outside}`);
  }
  return out;
}
