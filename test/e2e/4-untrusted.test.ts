/**
 * Scenario 4: the same workspace opened untrusted (no --disable-workspace-trust): running is
 * refused with an explanation, and nothing runs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VsCode, copyExamples } from './harness';
import { CMD, storedRequest, storedResults, tid } from './sgd';

let vs: VsCode;

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples(), trusted: false });
});
after(async () => {
  await vs?.close();
});

test('untrusted workspace: running is refused with an explanation', async () => {
  assert.ok(await vs.isRestrictedMode(), 'the window is in Restricted Mode');
  await vs.openFile('paper-figure3.ts');
  // The lens says why it cannot run.
  const lens = await vs.codeLensAbove('export function figure3', 'needs a trusted workspace');
  assert.match(await lens.innerText(), /Run SGD \(needs a trusted workspace\)/);
  await vs.screenshot('4-01-untrusted-lens');

  await vs.runCommand(CMD.run);
  const msg = await vs.waitForNotification(/trust/i);
  assert.match(msg, /not trusted/i, `explains that the workspace is not trusted: ${msg}`);
  assert.match(msg, /runs the loss functions of your workspace/i, `explains why trust matters: ${msg}`);
  await vs.screenshot('4-02-untrusted-refused');

  // Nothing ran. A refused command returns at once; a started run would at once have recorded its
  // request (runs/index.json) and opened the panel. So instead of waiting an arbitrary time: ask
  // the host something later (Export results), wait for its answer, and only then look.
  await vs.runCommand(CMD.export);
  const answer = await vs.waitForNotification(/export/i);
  assert.match(answer, /no results to export yet/i, `the host has no result: ${answer}`);
  assert.equal(storedResults(vs).length, 0, 'no run was stored');
  assert.equal(storedRequest(vs), undefined, 'no run was requested');
  const frames = vs.webviewFrames();
  for (let i = 0; i < (await frames.count()); i++) {
    const inner = frames.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
    const root = inner.locator(tid('panel-root'));
    if ((await root.count()) > 0) {
      assert.equal(await root.getAttribute('data-run'), null, 'the panel shows no run');
      assert.notEqual(await root.getAttribute('data-status'), 'running', 'the panel shows nothing running');
    }
  }
});
