/** The run store's guarantees: atomic writes (a crash before the rename keeps the old file), bounded number and size. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExperimentResult } from '../../src/engine/types';
import { MAX_STORED_RUNS, RunStore, RunTooLarge, nodeStoreFs, summarize, type StoreFs } from '../../src/extension/runStore';
import { makeResult } from '../fixtures/webview-result';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sgd-store-limits-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const req = { file: '/w/spiky.ts', exportName: 'spikyBowl', mode: 'run' as const };
const add = (store: RunStore, id: string, r: ExperimentResult) => store.add(summarize(id, r, req), r);
const indexOnDisk = (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { runs: Array<{ id: string }> };

/** The real file system, except that the process "dies" at the rename of a file whose name matches `at`. */
function crashingFs(at: RegExp, writes: string[]): StoreFs {
  return {
    ...nodeStoreFs,
    async writeFile(path, text) {
      writes.push(path);
      await nodeStoreFs.writeFile(path, text);
    },
    async rename(from, to) {
      if (at.test(to)) throw new Error('killed between write and rename');
      await nodeStoreFs.rename(from, to);
    },
    // A dead process cleans nothing up.
    rm: async () => undefined,
  };
}

test('a crash between writing and renaming leaves the previous index and runs intact', async () => {
  const dir = tempDir();
  const r = makeResult({ trials: 10, steps: 20 });
  await add(new RunStore(dir), 'run-1', r);
  const before = readFileSync(join(dir, 'index.json'), 'utf8');

  for (const at of [/index\.json$/, /run-2\.json$/]) {
    const writes: string[] = [];
    const crashing = new RunStore(dir, MAX_STORED_RUNS, { fs: crashingFs(at, writes) });
    await assert.rejects(add(crashing, 'run-2', r), /killed between write and rename/);
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), before, `index unchanged after a crash at ${at}`);
    assert.ok(
      writes.length > 0 && writes.every((w) => dirname(w) === dir && w.endsWith('.tmp')),
      'written to temp files in the same folder',
    );
    assert.ok(
      readdirSync(dir).some((f) => f.endsWith('.tmp')),
      'the dead write left its temp file',
    );
  }

  // The next session: the old index and run load, the leftovers are gone.
  const next = new RunStore(dir);
  assert.deepEqual(
    (await next.load()).runs.map((x) => x.id),
    ['run-1'],
  );
  assert.equal((await next.get('run-1'))?.startedAt, r.startedAt);
  assert.equal(await next.get('run-2'), undefined, 'a run the index never listed is not served');
  assert.deepEqual(
    readdirSync(dir).sort(),
    ['index.json', 'run-1.json'],
    'the temp files and the unlisted run-2.json (renamed before the index crashed) are gone',
  );
});

test('an index that cannot be read is never a reason to delete runs', async () => {
  const dir = tempDir();
  await add(new RunStore(dir), 'run-1', makeResult({ trials: 4, steps: 10 }));
  const failing: StoreFs = {
    ...nodeStoreFs,
    readFile: async (path) => {
      if (path.endsWith('index.json')) throw Object.assign(new Error('too many open files'), { code: 'EMFILE' });
      return nodeStoreFs.readFile(path);
    },
  };
  assert.deepEqual((await new RunStore(dir, MAX_STORED_RUNS, { fs: failing }).load()).runs, []);
  assert.deepEqual(readdirSync(dir).sort(), ['index.json', 'run-1.json']);
  assert.deepEqual(
    (await new RunStore(dir).load()).runs.map((x) => x.id),
    ['run-1'],
  );
});

test('bounded in number: the newest MAX_STORED_RUNS runs are kept, older files deleted', async () => {
  const dir = tempDir();
  const store = new RunStore(dir);
  const r = makeResult({ trials: 4, steps: 10 });
  const total = MAX_STORED_RUNS + 3;
  for (let k = 1; k <= total; k++) await add(store, `run-${String(k).padStart(2, '0')}`, r);
  const kept = Array.from({ length: MAX_STORED_RUNS }, (_, i) => `run-${String(total - i).padStart(2, '0')}`);
  assert.deepEqual(
    indexOnDisk(dir).runs.map((x) => x.id),
    kept,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['index.json', ...kept.map((id) => `${id}.json`)].sort());
});

test('bounded in size: an oversized run is stored without per-trial data, or refused when still too big', async () => {
  const dir = tempDir();
  // Every trial sampled: RESULT.json keeps the checkpoints of the sampled trials.
  const r = makeResult({ trials: 200, steps: 40, checkpoints: 40, sampleTrajectories: 200, trajectoryPoints: 2 });
  const perTrial = r.sgd.checkpoints.flat(2).length + r.sgd.stochasticGradNorm.flat().length;
  assert.ok(perTrial > 10_000, 'the fixture has per-trial data worth dropping');
  // Stored as RESULT.json version 3: each method once, without the copies sgd, gd and finals.
  const { sgd: _sgd, gd: _gd, finals: _finals, ...file } = { ...r, version: 3 };
  const full = Buffer.byteLength(JSON.stringify(file));
  const slim = Buffer.byteLength(
    JSON.stringify({ ...file, methods: r.methods.map((m) => ({ ...m, checkpoints: [], stochasticGradNorm: [] })) }),
  );
  assert.ok(slim < full / 2, `${slim} vs ${full} bytes`);

  const cap = Math.round((slim + full) / 2);
  const store = new RunStore(dir, MAX_STORED_RUNS, { maxRunBytes: cap });
  const small = makeResult({ trials: 4, steps: 10 });
  const whole = await add(store, 'run-small', small);
  assert.equal(whole.slimmed, false);
  const out = await add(store, 'run-big', r);
  assert.equal(out.slimmed, true);
  assert.equal(out.bytes, slim);
  assert.equal(out.runs[0]!.slimmed, true, 'the index says it was slimmed');
  assert.ok(readFileSync(join(dir, 'run-big.json')).length <= cap);
  const back = (await new RunStore(dir).get('run-big'))!;
  assert.deepEqual(back.sgd.checkpoints, []);
  assert.deepEqual(back.sgd.stochasticGradNorm, []);
  assert.deepEqual(back.sgd.finals, r.sgd.finals, 'what the charts draw is all there');
  assert.deepEqual(back.sgd.checkpointSteps, r.sgd.checkpointSteps);
  assert.deepEqual(back.diagnostics.trajectory, JSON.parse(JSON.stringify(r.diagnostics.trajectory)));

  const tiny = new RunStore(dir, MAX_STORED_RUNS, { maxRunBytes: slim - 1 });
  await assert.rejects(
    add(tiny, 'run-huge', r),
    (e: unknown) => e instanceof RunTooLarge && e.bytes === slim && /was not stored/.test(e.message),
  );
  assert.equal(existsSync(join(dir, 'run-huge.json')), false, 'nothing written');
  assert.deepEqual(
    indexOnDisk(dir).runs.map((x) => x.id),
    ['run-big', 'run-small'],
  );
});

test('callers racing the first load all see the stored runs (a write never drops them)', async () => {
  const dir = tempDir();
  await add(new RunStore(dir), 'run-1', makeResult({ trials: 4, steps: 10 }));
  const store = new RunStore(dir);
  const [index] = await Promise.all([store.load(), store.setLastRequest(req), store.get('run-1')]);
  assert.deepEqual(
    index.runs.map((x) => x.id),
    ['run-1'],
  );
  assert.deepEqual(
    indexOnDisk(dir).runs.map((x) => x.id),
    ['run-1'],
    'the index written by setLastRequest still lists the run',
  );
});
