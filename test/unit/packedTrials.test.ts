import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { resolveConfig } from '../../src/engine/config';
import { runTrials } from '../../src/engine/sgd';
import { isPackedMethodResult, packMethodResult, unpackMethodResult } from '../../src/engine/packedTrials';
import { sameBits } from '../fixtures/sameBits';
import type { MethodResult, RunConfigInput } from '../../src/engine/types';

const cfg = (input: Partial<RunConfigInput>, dim: number) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });
const rastrigin = (x: Float64Array) => {
  let s = 10 * x.length;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]! - 10 * Math.cos(2 * Math.PI * x[i]!);
  return s;
};

/** What the host receives: the packed result posted through a real MessagePort with its transfer list. */
function overTheWire(r: MethodResult, dim: number): MethodResult {
  const { packed, transfer } = packMethodResult(r, dim);
  const views = Object.entries(packed).filter(([, v]) => ArrayBuffer.isView(v)) as Array<[string, Float64Array]>;
  assert.ok(views.length >= 8, `${views.length} typed arrays`);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, transfer);
  // Transferred, not copied: every typed array of the packed result is detached on the sender's side.
  for (const [key, v] of views) assert.equal(v.buffer.byteLength, 0, `${key} was copied, not transferred`);
  const msg = receiveMessageOnPort(port2);
  port1.close();
  assert.ok(msg && isPackedMethodResult(msg.message));
  return unpackMethodResult(msg.message);
}

test('a trial chunk packed into transferred typed arrays arrives as the same MethodResult, bit for bit (SGD with Figure 5, three stages, sampled paths)', () => {
  const c = cfg(
    {
      trials: 9,
      seed: 'wire',
      sampleTrajectories: 3,
      checkpoints: 7,
      stages: [
        { lr: 0.01, radius: 0.4, steps: 60, noise: 'uniform' },
        { lr: 0.005, radius: 0.2, steps: 40, noise: 'gaussian' },
        { lr: 0.002, radius: 0.1, steps: 30, noise: 'cube' },
      ],
    },
    2,
  );
  const r = runTrials(rastrigin, undefined, c, 'sgd', 2, 9);
  assert.ok(r.figure5 && r.checkpointX && r.checkpointGrad2 && r.snapshotSteps.length > 1 && r.paths.length === 1);
  const want = structuredClone(r);
  sameBits(overTheWire(r, 2), want);
  // Theorem 3's checkpoints went as they were, without a copy.
  assert.equal(r.checkpointX.byteLength, 0, 'checkpointX transferred, not copied');
});

test('packing keeps diverged trials: their mask, NaN losses, and null snapshots after they left (GD, 1-D)', () => {
  // x² at η = 1.5: x ← −2x, every trial runs away after a few steps.
  const c = cfg({ trials: 3, stages: [{ lr: 1.5, steps: 120, noise: 'none' }] }, 1);
  const r = runTrials(
    (x) => x[0]! * x[0]!,
    (x, g) => (g[0] = 2 * x[0]!),
    c,
    'gd',
    0,
    3,
  );
  assert.ok(r.divergedMask.every(Boolean));
  assert.ok(r.snapshots.slice(1).every((at) => at.every((p) => p === null)));
  const want = structuredClone(r);
  sameBits(overTheWire(r, 1), want);
});

test('packing a 5-D chunk (no snapshots) and an empty one; a point of the wrong length is refused', () => {
  const c = cfg({ trials: 4, seed: 'five', stages: [{ lr: 0.002, radius: 0.3, steps: 50, noise: 'gaussian' }] }, 5);
  const r = runTrials(rastrigin, undefined, c, 'sgd', 0, 4);
  assert.equal(r.snapshotSteps.length, 0);
  assert.throws(() => packMethodResult({ ...r, finals: [[1, 2]] }, 5), /2 numbers, not 5/);
  const want = structuredClone(r);
  sameBits(overTheWire(r, 5), want);
  const empty = runTrials(rastrigin, undefined, c, 'sgd', 4, 4);
  const none = structuredClone(empty);
  sameBits(overTheWire(empty, 5), none);
});

test("the diagnostics task's input packs too: diagnosticsInput's empty finalX, starts and losses stay empty (SGD with Figure 5, and GD)", async () => {
  const { diagnosticsInput } = await import('../../src/engine/diagnostics');
  const c = cfg(
    { trials: 6, seed: 'diag', compareGd: true, checkpoints: 5, stages: [{ lr: 0.01, radius: 0.3, steps: 80, noise: 'uniform' }] },
    2,
  );
  const slim = diagnosticsInput(c, [runTrials(rastrigin, undefined, c, 'sgd', 0, 6), runTrials(rastrigin, undefined, c, 'gd', 0, 6)]);
  assert.equal(slim[0].finalX.length, 0);
  assert.equal(slim[1].starts.length, 0);
  assert.equal(slim[1].finals.length, 6);
  for (const m of slim) {
    const want = structuredClone(m);
    // As the pool sends it: packed, cloned (not transferred: the host keeps Theorem 3's arrays).
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packMethodResult(m, 2).packed);
    const msg = receiveMessageOnPort(port2);
    port1.close();
    assert.ok(msg && isPackedMethodResult(msg.message));
    sameBits(unpackMethodResult(msg.message), want);
  }
});
