/**
 * Scenario 1: open the paper's Figure 3 example, run "Run SGD on function" from the command
 * palette; the panel appears with its charts drawn, and its summary equals what the CLI computes
 * for the same settings and seed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { toViewResult } from '../../src/extension/viewModel';
import { summaryText } from '../../webview/shared/summary';
import { VsCode, copyExamples } from './harness';
import { CMD, canvasPixels, chartState, runCli, storedResults, tid, waitForNewRun } from './sgd';

let vs: VsCode;
let ws: string;

before(async () => {
  ws = copyExamples();
  vs = await VsCode.launch({ workspace: ws });
});
after(async () => {
  await vs?.close();
});

test('Figure 3 from the command palette: panel, charts, summary = CLI', async () => {
  await vs.openFile('paper-figure3.ts');
  await vs.screenshot('1-01-figure3-open');

  await vs.runCommand(CMD.run);
  const { frame, shown } = await waitForNewRun(vs);
  assert.match(shown.label, /^figure3 · 1-D · /, 'run label names the function and dimension');
  assert.match(shown.summary, /SGD \d+ ?\/ ?\d+/, 'summary gives the SGD success count');
  // The complete result replaced any live view of the run (partial results are drawn while it goes).
  const root = frame.locator(tid('panel-root'));
  assert.equal(await root.getAttribute('data-live'), null, 'the panel no longer shows a live view');
  assert.equal(await frame.locator('canvas[data-live]').count(), 0, 'no chart is marked live');
  console.log(
    `live draws while the run went: ${(await root.getAttribute('data-live-renders')) ?? 0} (last ${(await root.getAttribute('data-live-ms')) ?? '-'} ms)`,
  );

  // The main charts are drawn, with data, at a visible size, and have ink on them.
  for (const id of ['chart-landscape', 'chart-trajectories', 'chart-finals', 'chart-histogram', 'chart-convexity']) {
    const c = await chartState(frame, id);
    assert.ok(c.drawn, `${id} is drawn (${c.error ?? 'no error recorded'})`);
    assert.ok(c.points > 0, `${id} has data points (${c.points})`);
    assert.ok(c.width > 150 && c.height > 80, `${id} is visible (${c.width}×${c.height})`);
    const px = await canvasPixels(frame, id);
    assert.ok(px.inked > 0.005, `${id} has something drawn on it (${(px.inked * 100).toFixed(2)}% of pixels)`);
  }
  await frame.locator(tid('summary')).scrollIntoViewIfNeeded();
  await vs.screenshot('1-02-figure3-panel');
  await frame.locator(tid('chart-finals')).scrollIntoViewIfNeeded();
  await vs.screenshot('1-03-figure3-panel-finals');

  // Same settings and seed through the CLI: the stored result holds the exact config used.
  const stored = storedResults(vs);
  assert.equal(stored.length, 1, 'one run stored for the workspace');
  const used = stored[0]!;
  assert.equal(used.config.function, 'figure3');
  const cli = runCli(join(ws, 'paper-figure3.ts'), used.config);
  assert.deepEqual(cli.config, used.config, 'CLI ran with the same settings');
  assert.deepEqual(cli.sgd.finals, used.sgd.finals, 'same final iterates, trial by trial');
  assert.deepEqual(cli.gd?.finals, used.gd?.finals, 'same GD finals');
  assert.equal(cli.diagnostics.successSgd, used.diagnostics.successSgd);
  assert.equal(summaryText(toViewResult(cli, 'run-1')), shown.summary, 'panel summary = summary of the CLI result');
});
