/**
 * Scenario 2: run a 2-D example from its CodeLens, then change the noise radius in the side panel
 * and re-run from there: a new run with the new radius is shown and the charts change.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VsCode, copyExamples } from './harness';
import { canvasPixels, chartState, eventually, storedResults, tid, waitForNewRun } from './sgd';

const NEW_RADIUS = 0.9;
// Charts that depend on the noise radius (the landscape's default layer is f itself, which does not).
const CHANGING = ['chart-trajectories', 'chart-finals', 'chart-convexity'];
let vs: VsCode;

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples() });
});
after(async () => {
  await vs?.close();
});

test('CodeLens run on rastrigin, then the side panel re-runs with another radius', async () => {
  await vs.openFile('rastrigin.ts');
  const lens = await vs.codeLensAbove('export function rastrigin(', 'Run SGD');
  await vs.screenshot('2-01-rastrigin-codelens');
  await lens.click();
  const first = await waitForNewRun(vs);
  assert.match(first.shown.label, /^rastrigin · 2-D · /);
  const firstRadius = storedResults(vs)[0]!.config.stages[0]!.radius;
  assert.notEqual(firstRadius, NEW_RADIUS);
  assert.match(first.shown.label, new RegExp(`noise uniform ${firstRadius}\\b`));
  const before: Record<string, string> = {};
  for (const id of CHANGING) {
    assert.ok((await chartState(first.frame, id)).drawn, `${id} drawn`);
    before[id] = (await canvasPixels(first.frame, id)).digest;
  }
  await vs.screenshot('2-02-rastrigin-first-run');

  // The side panel, from its activity bar icon.
  await vs.page.locator('.part.activitybar .action-item a.action-label[aria-label^="SGD Landscape"]').first().click();
  const side = await vs.webview(tid('sidebar-root'));
  await side.locator(tid('radius')).waitFor({ state: 'visible', timeout: 15_000 });
  await eventually(
    'side panel selects rastrigin',
    () => side.locator(tid('fn-picker')).evaluate((el) => (el as HTMLElement & { value: string }).value),
    (v) => v === 'rastrigin',
  );
  await eventually(
    'side panel shows the radius used',
    () => side.locator(tid('radius')).inputValue(),
    (v) => Number(v) === firstRadius,
  );

  await side.locator(tid('radius')).fill(String(NEW_RADIUS));
  await side.locator(tid('radius')).press('Tab');
  assert.ok(await side.locator(tid('field-error')).isHidden(), 'the new radius is accepted');
  await vs.screenshot('2-03-sidebar-radius-changed');
  await side.locator(tid('run')).click();

  const second = await waitForNewRun(vs, first.shown.run);
  assert.match(second.shown.label, new RegExp(`^rastrigin · 2-D · .*noise uniform ${NEW_RADIUS}\\b`), second.shown.label);
  assert.match(second.shown.summary, new RegExp(`smoothing radius ${NEW_RADIUS}\\b`), second.shown.summary);
  const stored = storedResults(vs);
  assert.equal(stored.length, 2);
  assert.equal(stored[0]!.config.stages[0]!.radius, NEW_RADIUS, 'the new run used the new radius');
  assert.equal(stored[0]!.config.seed, stored[1]!.config.seed, 'same seed: only the radius changed');
  for (const id of CHANGING) {
    const c = await chartState(second.frame, id);
    assert.ok(c.drawn && c.points > 0, `${id} drawn again`);
    assert.notEqual((await canvasPixels(second.frame, id)).digest, before[id], `${id} changed`);
  }
  // The side panel's own summary follows the shown run.
  await side
    .locator(tid('run-summary'))
    .filter({ hasText: String(NEW_RADIUS) })
    .waitFor({ timeout: 10_000 });
  await vs.screenshot('2-04-rastrigin-rerun-radius');
});
