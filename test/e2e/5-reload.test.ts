/**
 * Scenario 5: after "Developer: Reload Window" the panel comes back with its results.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VsCode, copyExamples } from './harness';
import { CMD, chartState, readPanel, tid, waitForNewRun, panel } from './sgd';
import { setTimeout as sleep } from 'node:timers/promises';

let vs: VsCode;

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples() });
});
after(async () => {
  await vs?.close();
});

test('reload window: the panel comes back with its results', async () => {
  await vs.openFile('himmelblau.ts');
  await vs.runCommand(CMD.run);
  const { shown: before } = await waitForNewRun(vs);
  assert.match(before.label, /^himmelblau · 2-D · /);
  await vs.screenshot('5-01-before-reload');

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
  await frame.locator(tid('summary')).scrollIntoViewIfNeeded();
  await vs.screenshot('5-02-after-reload');
});
