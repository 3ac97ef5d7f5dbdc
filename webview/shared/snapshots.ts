/**
 * Why a run cannot show where all its trials are over time (the 3-D card's markers, "Where trials
 * end" and its density under the time slider and Play): one rule for every view that says it.
 */
import type { ViewResult } from '../../src/protocol/webview';
import { SNAPSHOT_NUMBERS, SNAPSHOTS_MAX } from '../../src/engine/keptSteps';

/**
 * Why this run's trials cannot be shown over time (undefined when its snapshots are there): the
 * engine keeps every trial's x_t at a few steps only for d ≤ 2 and within a budget of numbers
 * (src/engine/keptSteps.ts snapshotSteps), a live view has none yet, results stored before snapshots
 * existed have none.
 */
export function whyNoSnapshots(view: ViewResult, live: boolean): string | undefined {
  if ((view.sgd.snapshotSteps?.length ?? 0) > 0) return undefined;
  const c = view.config;
  if (live)
    return 'Where all trials are over time is shown once the run has finished (a running experiment sends its finished trials only).';
  if (c.dim > 2)
    return `Positions of all trials over time are kept for d ≤ 2 only; this run has d = ${c.dim}, so Play moves the sampled paths only.`;
  const methods = Math.max(1, c.methods.length);
  const per = c.trials * c.dim * methods;
  const n = (v: number) => v.toLocaleString('en-US');
  if (Math.floor(SNAPSHOT_NUMBERS / per) < 2) {
    const most = Math.floor(SNAPSHOT_NUMBERS / 2 / (c.dim * methods));
    return (
      `Positions of all trials over time are not stored for this run: one snapshot of every trial holds ${n(c.trials)} trials × d = ${c.dim}` +
      `${methods > 1 ? ` × ${methods} methods` : ''} = ${n(per)} numbers, and a run keeps at most ${n(SNAPSHOT_NUMBERS)} numbers of ` +
      `snapshots (${SNAPSHOTS_MAX} at most, none when fewer than 2 fit: up to ${n(most)} trials here). ` +
      'So Play moves the sampled paths only.'
    );
  }
  if ((view.sgd.pathSteps[view.sgd.pathSteps.length - 1] ?? 0) < 2) return 'The run has fewer than two steps: there is no time to show.';
  return 'This result holds no positions of all trials over time (it was stored before runs kept them; run it again to see them), so Play moves the sampled paths only.';
}
