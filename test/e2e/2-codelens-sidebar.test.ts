/**
 * Scenario 2: run a 2-D example from its CodeLens, then change the noise radius in the side panel
 * and re-run from there: a new run with the new radius is shown and the charts change.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VsCode, copyExamples } from './harness';
import { CMD, canvasPixels, chartState, eventually, storedResults, tid, waitForNewRun } from './sgd';

const NEW_RADIUS = 0.9;
// Charts that depend on the noise radius (the landscape's default layer is f itself, which does not).
const CHANGING = ['chart-trajectories', 'chart-finals', 'chart-convexity'];
let vs: VsCode;
/** The run the first scenario left on the panel. */
let lastRun = '';

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
  lastRun = second.shown.run;
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

test('issue 13: η, radius and steps set nowhere are suggested from the function, shown as such; a preset says it is staged', async () => {
  await vs.openFile('sphere.ts');
  const side = await vs.webview(tid('sidebar-root'));
  await eventually(
    'side panel selects sphere',
    () => side.locator(tid('fn-picker')).evaluate((el) => (el as HTMLElement & { value: string }).value),
    (v) => v === 'sphere',
  );
  for (const k of ['lr', 'radius', 'steps']) await side.locator(tid(`suggested-${k}`)).waitFor({ state: 'visible', timeout: 15_000 });
  assert.match((await side.locator(tid('suggested-note')).textContent()) ?? '', /the run derives them from the function/);
  await vs.screenshot('2-05-sphere-suggested-before-run');
  await side.locator(tid('run')).click();
  await waitForNewRun(vs, lastRun);
  await eventually(
    'the sphere run is stored',
    async () => storedResults(vs)[0]!.config.function,
    (f) => f === 'sphere',
  );
  // Curvature 2 everywhere: η = 0.45/2; radius 5% of the 6-wide domain (0.3) capped where the
  // kicks' spread at x* reaches half the success radius ε = 0.05·6√2: (ε/2)·√(4·0.45·1.55/2) = 0.251;
  // GD converges in 12 steps, at least 100.
  const stage = storedResults(vs)[0]!.config.stages[0]!;
  assert.deepEqual([stage.lr, stage.radius, stage.steps], [0.225, 0.251, 100]);
  await eventually(
    'the side panel shows the suggested values and why',
    () => side.locator(tid('suggested-note')).textContent(),
    (t) => /Suggested from sphere .*η 0\.225 — η = 0\.45\/L .*radius 0\.251 — the largest whose spread/.test(t ?? ''),
  );
  assert.equal(Number(await side.locator(tid('lr')).inputValue()), 0.225);
  assert.ok(await side.locator(tid('accept-suggested')).isVisible(), '"Keep these values" offered');
  await vs.screenshot('2-06-sphere-suggested-after-run');
  // A preset stages the paper's four stages: the schedule opens on stages 2–4 and a line says Run runs it.
  await side.locator(tid('preset-fig3-stages')).click();
  assert.equal(await side.locator(tid('schedule')).evaluate((el) => el.hasAttribute('open')), true, 'schedule opened');
  assert.equal(await side.locator(`${tid('stages')} li[data-stage]`).count(), 3);
  assert.match(
    (await side.locator(tid('preset-note')).textContent()) ?? '',
    /^Staged “Figure 3: 4 stages”: 4 stages, .*Press Run to run it\.$/,
  );
  await vs.screenshot('2-07-preset-staged');
});

test('issue 13: the function picker says each loss’s shape in words (no "dim from settings-D (array)")', async () => {
  await vs.openFile('rastrigin.ts');
  await vs.runCommand(CMD.run);
  const rows = vs.page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
  const items = await rows.evaluateAll((els) =>
    els.map((el) => [
      el.querySelector('.label-name')?.textContent?.trim() ?? '',
      el.querySelector('.label-description')?.textContent?.trim() ?? '',
    ]),
  );
  const byName = Object.fromEntries(items);
  assert.deepEqual(
    [byName.rastrigin, byName.rastrigin1d, byName.rastriginN],
    ['2-D, with options', '1-D, with options', '5-D (array), with options'],
    JSON.stringify(items),
  );
  for (const [name, description] of items) assert.doesNotMatch(description!, /from settings-D|-D \(array\).*-D/, `${name}: ${description}`);
  await vs.screenshot('2-08-function-picker');
  await vs.page.keyboard.press('Escape');
  await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
});

test('issue 13: a run where every trial diverges: the toast says it in full, with the η to try; the summary says why', async () => {
  // Rosenbrock at the fixed defaults the issue tried (η 0.01, radius 0.3): every trial diverges.
  writeFileSync(
    join(vs.workspace, 'rosenbrock2.ts'),
    [
      'export function rosenbrock2(x: number, y: number): number {',
      '  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;',
      '}',
      'export const rosenbrock2Options = {',
      '  domain: { low: [-2, -1], high: [2, 3] },',
      '  xStar: [1, 1],',
      "  defaults: { lr: 0.01, radius: 0.3, steps: 1000, trials: 100, noise: 'uniform' },",
      '};',
      '',
    ].join('\n'),
  );
  await vs.openFile('rosenbrock2.ts');
  await vs.runCommand(CMD.run);
  const { frame, shown } = await waitForNewRun(vs, lastRun);
  lastRun = shown.run;
  const result = storedResults(vs)[0]!;
  assert.equal(result.config.function, 'rosenbrock2');
  assert.equal(result.sgd.diverged, 100, 'every SGD trial diverged');
  const advice = result.diagnostics.divergence;
  assert.ok(advice?.stepTooLarge && advice.suggestedLr !== undefined && advice.suggestedLr * advice.L < 2, JSON.stringify(advice));
  const toast = await vs.waitForNotification(/rosenbrock2 diverged/, 60_000);
  assert.match(
    toast,
    /^SGD Landscape: 100 of 100 SGD trials of rosenbrock2 diverged: η = 0\.01 is too large for its curvature; try η ≈ [\d.e-]+\.$/,
  );
  // Shown in full: no line of the toast's message is cut off (VS Code clips a toast without a
  // button to one line; this one has "Show Summary", so it opens expanded and wraps).
  const cut = await vs.page
    .locator('.notifications-toasts .notification-toast .notification-list-item-message')
    .filter({ hasText: 'rosenbrock2 diverged' })
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      const toastBox = el.closest('.notification-toast')!.getBoundingClientRect();
      return {
        overflowX: el.scrollWidth - el.clientWidth,
        overflowY: el.scrollHeight - el.clientHeight,
        inside: r.right <= toastBox.right + 1,
      };
    });
  assert.ok(cut.overflowX <= 1 && cut.overflowY <= 1 && cut.inside, `the toast's text is cut off: ${JSON.stringify(cut)}`);
  const toastEl = vs.page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'rosenbrock2 diverged' }).first();
  assert.equal(await toastEl.locator('.monaco-button', { hasText: 'Show Summary' }).count(), 1, 'the toast offers "Show Summary"');
  assert.match(shown.summary, /Most trials diverged \(SGD 100 of 100, GD 100 of 100\)\. Likely cause: the step is too large/);
  assert.match((await frame.locator(tid('empty-chart-finals')).textContent()) ?? '', /^All 100 SGD and all 100 GD trials diverged/);
  await vs.screenshot('2-09-all-diverged-toast');
});
