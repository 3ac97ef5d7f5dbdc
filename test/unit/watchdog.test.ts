/**
 * The watchdog's timing (issue 8), on a fake clock (node:test's mock timers drive its 100 ms tick
 * and Date.now), so the bounds are exact and cannot flake under load: a call that stops beating
 * is stopped one stall limit after its last beat, not later (a hang used to cost two limits in
 * the landscape phase); a slow run of fast calls, worker start-up and the engine's own work never
 * count; a hang while loading is said to be loading. How soon a real worker is stopped after its
 * limit, wall clock included, is measured by `npm run bench`.
 */
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FailureDetail, LossRef } from '../../src/protocol/worker';
import { SHARED_HEARTBEAT_INDEX, SHARED_STATE_INDEX, WORKER_STATE, sharedBufferBytes } from '../../src/protocol/worker';
import { Watchdog, type Pending, type Slot, type WatchedPool } from '../../src/runner/watchdog';
import type { RunConfig } from '../../src/engine/types';

const loss: LossRef = { bundlePath: '/b.js', exportName: 'f', argStyle: 'scalars', dim: 1, sourceFile: '/work/f.ts', line: 3 };

beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

/** A running job on a fake worker, in `state`, with a stall limit of `stallMs`. */
function job(stallMs: number, state: number): Pending & { slot: Slot } {
  const shared = new SharedArrayBuffer(sharedBufferBytes(1));
  const i32 = new Int32Array(shared, 0, 4);
  i32[SHARED_STATE_INDEX] = state;
  const msg = { type: 'task', id: 1, loss, config: { dim: 1 } as RunConfig, task: { kind: 'landscape', args: {} }, shared };
  return {
    msg: msg as unknown as Pending['msg'],
    owner: {},
    i32,
    stallMs,
    accept: () => undefined,
    reject: () => undefined,
    slot: { worker: undefined as never, busy: true },
    lastBeat: 0,
    lastBeatAt: Date.now(),
  };
}

function pool(jobs: Pending[]) {
  const killed: Array<{ at: number; reason: FailureDetail }> = [];
  const running = new Set(jobs);
  const p: WatchedPool = {
    running,
    active: () => running.size > 0,
    workers: () => running.size,
    kill: (_slot, reason) => {
      killed.push({ at: Date.now(), reason });
      for (const j of jobs) if (j.slot === _slot) j.killedFor = reason;
    },
  };
  return { p, killed };
}

const beat = (j: Pending) => Atomics.add(j.i32, SHARED_HEARTBEAT_INDEX, 1);

test('a call that stops beating is stopped one stall limit after its last beat, not two', () => {
  const j = job(1000, WORKER_STATE.user);
  const { p, killed } = pool([j]);
  const w = new Watchdog(p);
  w.start();
  // Beats for 2 s (a landscape row's calls), then one call hangs.
  for (let t = 0; t < 2000; t += 100) {
    beat(j);
    mock.timers.tick(100);
  }
  const lastBeat = Date.now();
  assert.equal(killed.length, 0, 'killed while beating');
  mock.timers.tick(1000);
  assert.equal(killed.length, 0, 'killed before the stall limit');
  mock.timers.tick(200);
  assert.equal(killed.length, 1, 'not killed one limit and two ticks after the last beat');
  const after = killed[0].at - lastBeat;
  assert.ok(after > 1000 && after <= 1200, `stopped ${after} ms after the last beat`);
  assert.equal(killed[0].reason.kind, 'timeout');
  assert.match(killed[0].reason.message, /^f did not return within 1 s/);
  mock.timers.tick(5000);
  assert.equal(killed.length, 1, 'stopped once');
  w.stop();
});

test('a slow run of fast calls is never a stall, however long the phase', () => {
  const j = job(1000, WORKER_STATE.user);
  const { p, killed } = pool([j]);
  const w = new Watchdog(p);
  w.start();
  // 60 s of calls, a beat every 900 ms (just inside the limit).
  for (let t = 0; t < 60_000; t += 900) {
    beat(j);
    mock.timers.tick(900);
  }
  assert.equal(killed.length, 0);
  w.stop();
});

test("worker start-up, the engine's own work and serialization never count; user code then gets its full limit", () => {
  const j = job(500, WORKER_STATE.engine);
  const { p, killed } = pool([j]);
  const w = new Watchdog(p);
  w.start();
  mock.timers.tick(30_000); // no beat at all for 60 limits, in the engine
  assert.equal(killed.length, 0, 'killed while in the engine');
  Atomics.store(j.i32, SHARED_STATE_INDEX, WORKER_STATE.user);
  const entered = Date.now();
  mock.timers.tick(500);
  assert.equal(killed.length, 0, 'killed before its limit in user code');
  mock.timers.tick(200);
  assert.equal(killed.length, 1);
  assert.ok(killed[0].at - entered > 500 && killed[0].at - entered <= 700);
  w.stop();
});

test('a hang while loading the file is stopped at the limit and said to be loading', () => {
  const j = job(500, WORKER_STATE.loading);
  const { p, killed } = pool([j]);
  const w = new Watchdog(p);
  w.start();
  mock.timers.tick(500);
  assert.equal(killed.length, 0);
  mock.timers.tick(200);
  assert.equal(killed.length, 1);
  assert.match(killed[0].reason.message, /^loading \/work\/f\.ts did not finish within 0\.5 s: its top-level code hangs/);
  w.stop();
});
