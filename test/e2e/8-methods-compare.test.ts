/**
 * Scenario 8 (issue 12): on Himmelblau, tick Momentum and Adam beside SGD and GD in the side
 * panel and run: the panel draws the four methods side by side, each count equal to the stored
 * result's. Then two more runs with other noise radii, and the three runs compared side by side
 * from "Recent runs": columns, overlaid histograms and the success table agree with the stored
 * results; GD of one run ticked in the table adds its column. Screenshots of each.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import type { ExperimentResult } from '../../src/engine/types';
import { VsCode, copyExamples } from './harness';
import { canvasPixels, chartState, eventually, panel, storedResults, tid, waitForNewRun } from './sgd';

let vs: VsCode;

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples() });
});
after(async () => {
  await vs?.close();
});

/** Fills a number field of the side panel and leaves it (the form reads it on change). */
async function fill(side: FrameLocator, id: string, value: number): Promise<void> {
  await side.locator(tid(id)).fill(String(value));
  await side.locator(tid(id)).press('Tab');
}

const kept = (r: ExperimentResult, k: number) => r.methods[k]!.finals.filter((_, t) => !r.methods[k]!.divergedMask[t]);

test('four methods side by side, then three runs compared', async () => {
  await vs.openFile('himmelblau.ts');
  await vs.page.locator('.part.activitybar .action-item a.action-label[aria-label^="SGD Landscape"]').first().click();
  const side = await vs.webview(tid('sidebar-root'));
  await side.locator(tid('radius')).waitFor({ state: 'visible', timeout: 15_000 });
  await eventually(
    'side panel selects himmelblau',
    () => side.locator(tid('fn-picker')).evaluate((el) => (el as HTMLElement & { value: string }).value),
    (v) => v === 'himmelblau',
  );
  // Small runs: 60 trials of 600 steps.
  await fill(side, 'trials', 60);
  await fill(side, 'steps', 600);
  await side.locator(tid('methods-section')).click();
  for (const m of ['momentum', 'adam']) await side.locator(tid(`method-${m}`)).check();
  assert.ok(await side.locator(tid('method-sgd')).isChecked(), 'SGD ticked by default');
  assert.ok(await side.locator(tid('method-gd')).isChecked(), 'GD ticked by default');
  assert.ok(await side.locator(tid('field-error')).isHidden(), 'nothing to fix');
  await vs.screenshot('8-01-sidebar-methods');
  await side.locator(tid('run')).click();

  const first = await waitForNewRun(vs);
  const r1 = storedResults(vs)[0]!;
  assert.deepEqual(
    r1.methods.map((m) => [m.name, m.optimizer.kind]),
    [
      ['SGD', 'sgd'],
      ['GD', 'sgd'],
      ['Momentum', 'momentum'],
      ['Adam', 'adam'],
    ],
  );
  assert.equal(r1.config.trials, 60);
  const frame = first.frame;
  assert.equal(await frame.locator(tid('finals-pair')).getAttribute('data-layout'), 'columns', 'four methods side by side');
  const finals = await chartState(frame, 'chart-finals');
  const want = r1.methods.reduce((n, _, k) => n + kept(r1, k).length, 0);
  assert.equal(finals.points, want, 'every method’s finals drawn');
  const hist = await chartState(frame, 'chart-histogram');
  const binned = (r1.diagnostics.histogram.methods ?? []).reduce((n, m) => n + (m.counts2d ?? []).flat().reduce((a, b) => a + b, 0), 0);
  assert.equal(hist.points, binned, 'every method’s histogram drawn from the engine’s bins');
  assert.ok((await canvasPixels(frame, 'chart-finals')).inked > 0.05, 'the finals columns have ink');
  const success = (await frame.locator(tid('success')).textContent()) ?? '';
  for (const m of r1.methods) assert.ok(success.includes(`${m.name}${m.finalsAre === 'x_T' ? ' (x_T)' : ''} ${m.success} / 60`), success);
  const targets = (await frame.locator(tid('targets')).textContent()) ?? '';
  assert.match(targets, new RegExp(`${r1.diagnostics.targets.length} global minim`), targets);
  await frame.locator(tid('finals-pair')).scrollIntoViewIfNeeded();
  await vs.screenshot('8-02-four-methods');

  // Two more runs with other radii (methods back to the pair: untick Momentum and Adam).
  for (const m of ['momentum', 'adam']) await side.locator(tid(`method-${m}`)).uncheck();
  let previous = first.shown.run;
  for (const radius of [0.1, 0.8]) {
    await fill(side, 'radius', radius);
    await side.locator(tid('run')).click();
    previous = (await waitForNewRun(vs, previous)).shown.run;
  }
  const stored = storedResults(vs);
  assert.equal(stored.length, 3);
  assert.deepEqual(
    stored.map((r) => r.config.stages[0]!.radius),
    [0.8, 0.1, 0.3],
  );

  // Compare the three, oldest first, from "Recent runs".
  const ids = await side.locator(tid('compare-pick')).evaluateAll((els) => els.map((e) => e.getAttribute('data-compare-id')!));
  assert.equal(ids.length, 3);
  for (const id of [...ids].reverse()) await side.locator(`${tid('compare-pick')}[data-compare-id="${id}"]`).check();
  await side.locator(tid('compare-runs')).click();
  const p = await panel(vs);
  await p.locator(tid('compare-card')).waitFor({ state: 'visible', timeout: 30_000 });
  await eventually(
    'the comparison drawn',
    () => chartState(p, 'chart-compare-overlay'),
    (c) => c.drawn,
  );
  assert.equal(await p.locator(tid('compare-card')).getAttribute('data-runs'), [...ids].reverse().join(','));
  const oldestFirst = [...stored].reverse();
  const sgdKept = (r: ExperimentResult) => r.sgd.finals.filter((_, t) => !r.sgd.divergedMask[t]).length;
  assert.equal(
    (await chartState(p, 'chart-compare-finals')).points,
    oldestFirst.reduce((n, r) => n + sgdKept(r), 0),
  );
  const cells = (r: ExperimentResult) => (r.diagnostics.histogram.sgd2d ?? []).flat().reduce((a, b) => a + b, 0);
  assert.equal(
    (await chartState(p, 'chart-compare-histogram')).points,
    oldestFirst.reduce((n, r) => n + cells(r), 0),
  );
  const table = await p
    .locator(`${tid('compare-success')} td[data-method="SGD"]`)
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-success'))));
  assert.deepEqual(
    table,
    oldestFirst.map((r) => r.diagnostics.successSgd),
  );
  await p.locator(tid('compare-card')).scrollIntoViewIfNeeded();
  await vs.screenshot('8-03-three-runs-compared');

  // Tick the newest run's GD in the success table: a fourth column, its finals drawn too.
  const newest = stored[0]!;
  const gdKept = newest.gd!.finals.filter((_, t) => !newest.gd!.divergedMask[t]).length;
  await p.locator(`${tid('compare-draw')}[data-run-id="${ids[0]}"][data-method="GD"]`).check();
  await eventually(
    'GD of the newest run drawn as a column',
    () => p.locator(tid('compare-card')).getAttribute('data-columns'),
    (c) => c === `${ids[2]}/SGD,${ids[1]}/SGD,${ids[0]}/SGD,${ids[0]}/GD`,
  );
  await eventually(
    'the finals of the four columns drawn',
    () => chartState(p, 'chart-compare-finals'),
    (c) => c.points === oldestFirst.reduce((n, r) => n + sgdKept(r), 0) + gdKept,
  );
  await p.locator(tid('chart-compare-overlay')).scrollIntoViewIfNeeded();
  await vs.screenshot('8-04-compared-with-gd');
});
