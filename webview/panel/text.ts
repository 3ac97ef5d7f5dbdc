/**
 * The panel's words: the status line, progress bar and error banner, the run's title and
 * summaries, the Theorem 1 list and the Theorem 3 line. The sentences themselves come from shared/summary.ts.
 */
import type { RunStatus, ViewResult } from '../../src/protocol/webview';
import { h, setChildren } from '../shared/dom';
import { convexityText, runLabel, statusText, successText, summaryText, targetsText, theorem3Text, theoremText } from '../shared/summary';
import {
  convexityLine,
  errorBanner,
  errorLink,
  errorText,
  progress,
  progressBar,
  root,
  runTitle,
  statusLine,
  successLine,
  summary,
  theorem3Line,
  targetsLine,
  theoremList,
  whereSnapshotsLine,
} from './layout';
import { whyNoSnapshots } from '../shared/snapshots';

export function renderStatus(status: RunStatus, current: ViewResult | undefined): void {
  statusLine.textContent = statusText(status, current);
  root.dataset.status = status.kind;
  if (status.kind === 'running') {
    const f = status.total > 0 ? Math.min(1, Math.max(0, status.done / status.total)) : 0;
    progress.hidden = false;
    progress.dataset.value = f.toFixed(3);
    progressBar.style.width = `${(f * 100).toFixed(1)}%`;
  } else {
    progress.hidden = true;
  }
  if (status.kind === 'error') {
    errorBanner.hidden = false;
    errorText.textContent = status.message;
    const where =
      status.file !== undefined ? `${status.file.split(/[\\/]/).pop()}${status.line !== undefined ? `:${status.line}` : ''}` : '';
    errorLink.hidden = status.file === undefined;
    errorLink.textContent = where ? `Open ${where}` : '';
  } else {
    errorBanner.hidden = true;
  }
}

export function renderTitle(view: ViewResult | undefined): void {
  runTitle.textContent = view ? runLabel(view) : 'SGD Landscape';
  runTitle.title = view?.source?.file ?? '';
}

/** Every sentence about a complete run. */
export function renderText(view: ViewResult): void {
  renderTitle(view);
  summary.textContent = summaryText(view);
  successLine.textContent = successText(view);
  targetsLine.textContent = targetsText(view);
  targetsLine.hidden = targetsLine.textContent === '';
  convexityLine.textContent = convexityText(view);
  const stages = view.config.stages.length;
  setChildren(theoremList, ...view.diagnostics.theorem1.map((p) => h('li', {}, theoremText(p, stages))));
  if (view.diagnostics.theorem1.length === 0) setChildren(theoremList, h('li', {}, 'No prediction (no noisy stage).'));
  theorem3Line.textContent = view.diagnostics.theorem3 ? theorem3Text(view.diagnostics.theorem3) : '';
  theorem3Line.hidden = !view.diagnostics.theorem3;
}

/**
 * Over "Where trials end": why its finals and density stay at the end while the time slider and
 * Play move (`live`: a running experiment), in the words the 3-D card uses; hidden when the run
 * keeps every trial's position at a few steps.
 */
export function renderWhereSnapshots(view: ViewResult, live: boolean): void {
  const why = whyNoSnapshots(view, live);
  whereSnapshotsLine.textContent = why ? `These charts show the finals only. ${why}` : '';
  whereSnapshotsLine.hidden = !why;
}
