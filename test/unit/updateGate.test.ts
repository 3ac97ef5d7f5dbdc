/**
 * UpdateGate (src/extension/updateGate.ts): one update of a kind (a status, a live view) in flight to a webview, only the newest
 * kept meanwhile, none kept once the state (which carries the newest) is posted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpdateGate } from '../../src/extension/updateGate';

/** A fake `postMessage`: records what is sent; each send settles when the test says. */
function channel() {
  const sent: number[] = [];
  const settle: Array<(ok: boolean) => void> = [];
  const fail: Array<(e: Error) => void> = [];
  const gate = new UpdateGate<number>(
    (n) =>
      new Promise<boolean>((resolve, reject) => {
        sent.push(n);
        settle.push(resolve);
        fail.push(reject);
      }),
  );
  const tick = () => new Promise((r) => setImmediate(r));
  return { gate, sent, settle, fail, tick };
}

test('UpdateGate: an update offered while none is in flight goes at once; later ones wait, and only the newest goes', async () => {
  const { gate, sent, settle, tick } = channel();
  gate.offer(1);
  assert.deepEqual(sent, [1]);
  gate.offer(2);
  gate.offer(3);
  gate.offer(4);
  assert.deepEqual(sent, [1], 'nothing more while 1 is in flight');
  settle[0]!(true);
  await tick();
  assert.deepEqual(sent, [1, 4], 'the newest of those offered meanwhile, once 1 is delivered');
  settle[1]!(true);
  await tick();
  assert.deepEqual(sent, [1, 4], 'nothing kept: nothing more');
  gate.offer(5);
  assert.deepEqual(sent, [1, 4, 5], 'idle again: at once');
});

test('UpdateGate: drop forgets the kept update (the state posted carries a newer one)', async () => {
  const { gate, sent, settle, tick } = channel();
  gate.offer(1);
  gate.offer(2);
  gate.drop();
  settle[0]!(true);
  await tick();
  assert.deepEqual(sent, [1]);
  gate.offer(3);
  assert.deepEqual(sent, [1, 3]);
});

test('UpdateGate: a send that fails (the webview went away) frees the gate too', async () => {
  const { gate, sent, fail, tick } = channel();
  gate.offer(1);
  gate.offer(2);
  fail[0]!(new Error('disposed'));
  await tick();
  assert.deepEqual(sent, [1, 2]);
});
