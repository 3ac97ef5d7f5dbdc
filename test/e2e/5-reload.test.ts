/**
 * Scenario 5: after "Developer: Reload Window" the panel comes back with its results. On the way,
 * the 2-D run's "Landscape in 3-D" card draws with WebGL (three.js, loaded on demand under the
 * webview's CSP; no CSP violation in the console), before and after the reload.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { VsCode, copyExamples } from './harness';
import { CMD, chartState, readPanel, tid, waitForNewRun, panel } from './sgd';
import { setTimeout as sleep } from 'node:timers/promises';

let vs: VsCode;
/** Console messages of every frame (the webviews' included) that report a CSP violation. */
const cspErrors: string[] = [];

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples() });
  vs.page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|create)/i.test(m.text())) cspErrors.push(m.text());
  });
});
after(async () => {
  await vs?.close();
});

/** Scrolls to the 3-D card and waits for its surface (WebGL in software here), then screenshots it. */
async function surfaceDrawn(frame: FrameLocator, name: string): Promise<void> {
  const card = frame.locator(tid('surface-card'));
  await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await card.locator('[data-testid="chart-surface"][data-drawn="true"]').waitFor({ timeout: 30_000 });
  assert.equal(await card.getAttribute('data-state'), 'drawn', `3-D card: ${await frame.locator(tid('surface-note')).textContent()}`);
  const c = await chartState(frame, 'chart-surface');
  assert.ok(c.points > 0 && c.width > 100 && c.height > 100, `the 3-D surface is drawn: ${JSON.stringify(c)}`);
  await vs.screenshot(name);
}

test('reload window: the panel comes back with its results', async () => {
  await vs.openFile('himmelblau.ts');
  await vs.runCommand(CMD.run);
  const { shown: before, frame: first } = await waitForNewRun(vs);
  assert.match(before.label, /^himmelblau · 2-D · /);
  await vs.screenshot('5-01-before-reload');
  await surfaceDrawn(first, '5-01b-surface-3d');

  await vs.reloadWindow();
  const deadline = Date.now() + 60_000;
  let frame = await panel(vs, 60_000);
  let after = await readPanel(frame);
  while (after.run !== before.run && Date.now() < deadline) {
    await sleep(250);
    frame = await panel(vs, 10_000);
    after = await readPanel(frame);
  }
  assert.equal(after.run, before.run, 'the same run is on screen after the reload');
  assert.equal(after.summary, before.summary);
  assert.equal(after.label, before.label);
  for (const id of ['chart-landscape', 'chart-trajectories', 'chart-finals']) {
    const c = await chartState(frame, id);
    assert.ok(c.drawn && c.points > 0, `${id} is drawn again after the reload`);
  }
  await surfaceDrawn(frame, '5-02b-surface-3d-after-reload');
  await frame.locator(tid('summary')).scrollIntoViewIfNeeded();
  await vs.screenshot('5-02-after-reload');
  assert.deepEqual(cspErrors, [], 'no CSP violation in any frame');
});
