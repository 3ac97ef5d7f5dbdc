import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { resolveConfig } from '../../src/engine/config';
import { computeLandscape } from '../../src/engine/landscape';
import { isPackedLandscape, packLandscape, unpackLandscape } from '../../src/engine/packedLandscape';
import { sameBits } from '../fixtures/sameBits';
import type { Landscape, RunConfigInput } from '../../src/engine/types';

const cfg = (input: Partial<RunConfigInput>, dim: number) => resolveConfig({ function: 'f', ...input } as RunConfigInput, { dim });

/** Packed, structured-cloned as a worker message is, unpacked. */
function throughPort(l: Landscape): Landscape {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packLandscape(l));
  const got = receiveMessageOnPort(port2)!.message as ReturnType<typeof packLandscape>;
  port1.close();
  assert.ok(isPackedLandscape(got));
  return unpackLandscape(got);
}

test('a 2-D landscape packs and unpacks number for number, NaN, −0 and ±Infinity included, sharing no array', () => {
  const config = cfg(
    { trials: 1, resolution: 21, domain: { low: [-2, -2], high: [2, 2] }, stages: [{ lr: 0.1, radius: 0.3, steps: 1 }] },
    2,
  );
  // f is NaN on a patch: gaps in f and in g (the landscape's nonFinite counts).
  const loss = (x: Float64Array) => (x[0] > 1.5 && x[1] > 1.5 ? NaN : x[0] * x[0] + Math.sin(3 * x[1]));
  const l = computeLandscape(loss, config, {});
  assert.ok(Array.isArray(l.f[0]), '2-D f is a grid');
  assert.ok(l.nonFinite && l.nonFinite.count > 0, 'the patch is counted');
  const f = l.f as number[][];
  f[0][0] = -0;
  f[0][1] = Infinity;
  f[0][2] = -Infinity;
  const back = throughPort(l);
  sameBits(back, l);
  // A copy: changing the unpacked landscape leaves the packed one (and so the next copy) alone.
  const packed = packLandscape(l);
  const one = unpackLandscape(packed);
  (one.f as number[][])[3][3] = 1234;
  one.smoothed[0].values[0] = [];
  one.x[0] = 99;
  sameBits(unpackLandscape(packed), l);
  assert.notEqual(one.f, l.f);
});

test('1-D and d > 2 landscapes (slices with standard errors and directions) round-trip too', () => {
  const c1 = cfg({ trials: 1, resolution: 50, domain: { low: [-3], high: [3] }, stages: [{ lr: 0.1, radius: 0.5, steps: 1 }] }, 1);
  const l1 = computeLandscape((x) => Math.cos(x[0]) * x[0], c1, {});
  assert.ok(!Array.isArray(l1.f[0]));
  sameBits(throughPort(l1), l1);
  const c3 = cfg(
    { trials: 1, resolution: 15, domain: { low: [-1, -1, -1], high: [1, 1, 1] }, stages: [{ lr: 0.1, radius: 0.2, steps: 1 }] },
    3,
  );
  const l3 = computeLandscape((x) => x[0] * x[0] + x[1] * x[2], c3, {});
  assert.ok(l3.directions && l3.smoothed[0].stdError, 'slices carry directions and standard errors');
  sameBits(throughPort(l3), l3);
});
