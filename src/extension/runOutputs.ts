/**
 * Where a finished run goes besides the screen, for the run service: the run store (`storeRun`:
 * stored, slimmed or refused as too large, and logged), stored runs side by side (`loadCompared`),
 * and files through the `Saver` port: the full result as JSON or one CSV row per trial and method
 * ("Export results"), a chart as PNG. No `vscode`.
 */
import { toResultFile } from '../engine/resultFile';
import type { ExperimentResult } from '../engine/types';
import type { RunSummary, ViewResult } from '../protocol/webview';
import type { HostEnvironment, Notifier, RunStorage, Saver } from './ports';
import { RunTooLarge, resultToCsv } from './runStore';
import { toCompareView } from './viewModel';

export interface ExportDeps {
  saver: Saver;
  notifier: Notifier;
  env: HostEnvironment;
}

/** Saves `result` as JSON (the full result) or CSV; returns where, or undefined when the user cancelled. */
export async function exportResult(
  deps: ExportDeps,
  result: ExperimentResult,
  format: 'json' | 'csv',
  target?: string,
): Promise<string | undefined> {
  const text = format === 'json' ? JSON.stringify(toResultFile(result), null, 1) : resultToCsv(result);
  const name = `${result.source?.exportName ?? result.config.function}-${result.startedAt.replace(/[:.]/g, '-')}.${format}`;
  const written = await deps.saver.save({ name, format, data: new TextEncoder().encode(text) }, target);
  if (written) deps.notifier.info(`SGD Landscape: results saved to ${deps.env.relativePath(written)}`);
  return written;
}

/** Saves a chart: the PNG bytes of the canvas's data URL (already validated as base64 PNG). */
export async function saveChartPng(deps: ExportDeps, name: string, dataUrl: string): Promise<void> {
  const data = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  const written = await deps.saver.save({ name: `${name}.png`, format: 'png', data });
  if (written) deps.notifier.info(`SGD Landscape: chart saved to ${deps.env.relativePath(written)}`);
}

/**
 * Stores a finished run and logs how (its size; slimmed when over the size cap). Returns the
 * stored runs' list to show, or undefined when it could not be stored (a run too large is
 * refused with a warning, and the list re-read).
 */
export async function storeRun(
  deps: { store: RunStorage; notifier: Notifier; clock: { now(): number } },
  summary: RunSummary,
  result: ExperimentResult,
  time: () => string,
): Promise<RunSummary[] | undefined> {
  const { store, notifier, clock } = deps;
  const t0 = clock.now();
  try {
    const stored = await store.add(summary, result);
    notifier.log(
      `[${time()}] run ${summary.id} stored in ${clock.now() - t0} ms (${(stored.bytes / 1e6).toFixed(1)} MB${stored.slimmed ? ', without per-trial checkpoints: over the size cap' : ''})`,
    );
    return stored.runs;
  } catch (e) {
    notifier.log(`[${time()}] could not store run ${summary.id}: ${String(e)}`);
    if (!(e instanceof RunTooLarge)) return undefined;
    notifier.warn(`SGD Landscape: ${e.message}`);
    return (await store.load()).runs;
  }
}

/** The stored runs `ids` slimmed for the Compare card, in the order given, and the ids no longer stored. */
export async function loadCompared(store: RunStorage, ids: readonly string[]): Promise<{ runs: ViewResult[]; missing: string[] }> {
  const runs: ViewResult[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const result = await store.get(id);
    if (result) runs.push(toCompareView(result, id));
    else missing.push(id);
  }
  return { runs, missing };
}
