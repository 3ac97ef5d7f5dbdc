import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, newRunId, resultToCsv, summarize } from '../../src/extension/runStore';
import type { ExperimentResult, MethodResult } from '../../src/engine/types';

function method(finals: number[][], starts: number[][], loss: number[], mask: boolean[]): MethodResult {
  return {
    finals,
    finalsAre: 'y_T',
    finalX: finals,
    finalLoss: loss,
    divergedMask: mask,
    diverged: mask.filter(Boolean).length,
    starts,
    paths: [],
    pathTrials: [],
    pathSteps: [],
    snapshots: [],
    snapshotSteps: [],
    checkpoints: [],
    checkpointSteps: [],
    stochasticGradNorm: [],
    stageFinals: [],
  };
}

function fakeResult(tag: number): ExperimentResult {
  const sgd = method(
    [
      [0.1, -0.2],
      [tag, 0],
    ],
    [
      [1, 2],
      [-3, 0.5],
    ],
    [0.05, tag * tag],
    [false, true],
  );
  const gd = method([[1.5, 2]], [[1, 2]], [Number.NaN], [false]);
  return {
    version: 2,
    config: {
      function: 'bowl',
      dim: 2,
      seed: '1',
      trials: 2,
      init: { low: [-3, -3], high: [3, 3] },
      domain: { low: [-3, -3], high: [3, 3] },
      stages: [{ lr: 0.1, radius: 0.3, steps: 100, noise: 'uniform' }],
      resolution: 21,
      compareGd: true,
      methods: [
        { name: 'SGD', optimizer: { kind: 'sgd' } },
        { name: 'GD', optimizer: { kind: 'sgd' }, noise: 'none' },
      ],
      successRadius: 0,
      sampleTrajectories: 0,
      trajectoryPoints: 2,
      checkpoints: 2,
      probeRadius: 0.5,
      probeSamples: 1,
      histogramBin: 0.06,
      divergenceFactor: 100,
      fdStep: 0,
      slices: 1,
    },
    source: { file: '/w/loss.ts', exportName: 'bowl' },
    finals: sgd.finals,
    diverged: 1,
    methods: [
      { name: 'SGD', optimizer: { kind: 'sgd' }, ...sgd, success: 1, successRate: 0.5, perTarget: [1], outside: 0, role: 'sgd' },
      { name: 'GD', optimizer: { kind: 'sgd' }, noise: 'none', ...gd, success: 0, successRate: 0, perTarget: [0], outside: 0, role: 'gd' },
    ],
    sgd,
    gd,
    landscape: { x: [0], f: [0], smoothed: [] },
    diagnostics: {
      xStar: [0, 0],
      xStarSource: 'user',
      c: 1.5,
      convexity: [],
      theorem1: [],
      L: 2,
      targets: [[0, 0]],
      targetsSource: 'x-star',
      xStarTarget: 0,
      successRadius: 0.5,
      successSgd: 1,
      successGd: 0,
      methods: [
        { success: 1, successRate: 0.5, perTarget: [1], outside: 0 },
        { success: 0, successRate: 0, perTarget: [0], outside: 0 },
      ],
      trajectory: {
        steps: [],
        innerMin: [],
        innerMean: [],
        probeMean: [],
        probeMin: [],
        probeMax: [],
        gradNormMean: [],
        gradNormMin: [],
        gradNormMax: [],
      },
      histogram: { edges: [], sgd: [], gd: [] },
    },
    timing: { trialsMs: 1, gdMs: 1, landscapeMs: 1, diagnosticsMs: 1, totalMs: 4, workers: 1 },
    startedAt: new Date(2026, 0, 1, 0, 0, tag).toISOString(),
  };
}

test('run store: results persist across instances, newest first, oldest dropped beyond keep', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-store-'));
  try {
    const a = new RunStore(dir, 3);
    const ids: string[] = [];
    for (let k = 1; k <= 5; k++) {
      const id = `run-${k}`;
      ids.push(id);
      const r = fakeResult(k);
      await a.add(summarize(id, r, { file: '/w/loss.ts', exportName: 'bowl', mode: 'run' }), r);
    }
    await a.setLastRequest({ file: '/w/loss.ts', exportName: 'bowl', mode: 'gdVsSgd', overrides: { trials: 7 } });

    const b = new RunStore(dir, 3);
    const index = await b.load();
    assert.deepEqual(
      index.runs.map((r) => r.id),
      ['run-5', 'run-4', 'run-3'],
    );
    assert.deepEqual(b.lastRequest, { file: '/w/loss.ts', exportName: 'bowl', mode: 'gdVsSgd', overrides: { trials: 7 } });
    const r5 = await b.get('run-5');
    assert.equal(r5?.sgd.finals[1][0], 5);
    assert.equal(await b.get('run-1'), undefined, 'dropped run file is deleted');
    assert.deepEqual(readdirSync(dir).sort(), ['index.json', 'run-3.json', 'run-4.json', 'run-5.json']);
    assert.equal(index.runs[0].label, 'bowl — loss.ts, η=0.1 a=0.3 uniform');
    assert.equal(index.runs[0].successSgd, 1);
    assert.equal(index.runs[0].diverged, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run store: a missing or corrupt index starts empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-store-'));
  try {
    const missing = new RunStore(join(dir, 'nested', 'runs'));
    assert.deepEqual((await missing.load()).runs, []);
    writeFileSync(join(dir, 'index.json'), '{"version":1,"runs":[{"id":');
    const corrupt = new RunStore(dir);
    assert.deepEqual((await corrupt.load()).runs, []);
    assert.match(newRunId(new Date('2026-11-26T03:16:00.123Z')), /^20261126T031600123Z-[a-z0-9]{1,4}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run store: ids cannot reach files outside the store folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-store-'));
  try {
    const storeDir = join(dir, 'a', 'b', 'runs');
    mkdirSync(storeDir, { recursive: true });
    // A valid stored result where `../../secret` would lead if ids were used as paths as they are.
    writeFileSync(join(dir, 'a', 'secret.json'), JSON.stringify(fakeResult(7)));
    const s = new RunStore(storeDir);
    await s.load();
    assert.equal(await s.get('../../secret'), undefined, 'get does not read outside the store');
    assert.equal(await s.get(join(dir, 'a', 'secret')), undefined, 'nor by an absolute path');
    // Writing under such an id stays inside the store too, and reads back under the same id.
    const r = fakeResult(8);
    await s.add(summarize('../../escaped', r, { file: '/w/loss.ts', exportName: 'bowl', mode: 'run' }), r);
    assert.deepEqual(readdirSync(join(dir, 'a')).sort(), ['b', 'secret.json'], 'nothing written outside the store');
    assert.equal(readdirSync(storeDir).length, 2, 'the run file and the index');
    assert.equal((await s.get('../../escaped'))?.sgd.finals[1][0], 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run store: runs are stored as RESULT.json version 3, and runs stored as version 2 still open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgd-store-'));
  try {
    const s = new RunStore(dir);
    const r = fakeResult(4);
    await s.add(summarize('run-new', r, { file: '/w/loss.ts', exportName: 'bowl', mode: 'run' }), r);
    const onDisk = JSON.parse(readFileSync(join(dir, 'run-new.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(onDisk.version, 3);
    for (const k of ['sgd', 'gd', 'finals']) assert.equal(k in onDisk, false, `no copy ${k} on disk`);
    // A run stored by an older version: its file as version 2 wrote it, listed in the index.
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { runs: Array<{ id: string }> };
    index.runs.push({ ...index.runs[0]!, id: 'run-old' });
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
    writeFileSync(join(dir, 'run-old.json'), JSON.stringify(fakeResult(9)));
    const reopened = new RunStore(dir);
    for (const [id, tag] of [
      ['run-new', 4],
      ['run-old', 9],
    ] as const) {
      const back = (await reopened.get(id))!;
      assert.deepEqual(back.sgd.finals, [
        [0.1, -0.2],
        [tag, 0],
      ]);
      assert.deepEqual(back.finals, back.sgd.finals);
      assert.deepEqual(back.gd?.finals, [[1.5, 2]]);
      assert.deepEqual(
        back.methods.map((m) => m.role),
        ['sgd', 'gd'],
      );
      assert.equal(back.version, id === 'run-new' ? 3 : 2);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSV export: one row per trial and method with start, final y, f(y), diverged', () => {
  const csv = resultToCsv(fakeResult(3));
  assert.equal(
    csv,
    [
      'method,trial,start_1,start_2,final_y_1,final_y_2,f_final,diverged',
      'sgd,0,1,2,0.1,-0.2,0.05,false',
      'sgd,1,-3,0.5,3,0,9,true',
      'gd,0,1,2,1.5,2,NaN,false',
      '',
    ].join('\n'),
  );
});
