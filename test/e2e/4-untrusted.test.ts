/**
 * Scenario 4: the same workspace opened untrusted (no --disable-workspace-trust): running is
 * refused with an explanation, and nothing runs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VsCode, copyExamples } from './harness';
import { CMD, storedResults, tid } from './sgd';

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
  assert.match(msg, /runs the loss functions|execut/i, `explains why trust matters: ${msg}`);
  await vs.screenshot('4-02-untrusted-refused');

  // Nothing ran: no result stored, and a panel (if any) shows no run.
  await sleep(2_000);
  assert.equal(storedResults(vs).length, 0, 'no run was stored');
  const frames = vs.webviewFrames();
  for (let i = 0; i < (await frames.count()); i++) {
    const inner = frames.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
    const root = inner.locator(tid('panel-root'));
    if ((await root.count()) > 0) assert.equal(await root.getAttribute('data-run'), null, 'the panel shows no run');
  }
});
