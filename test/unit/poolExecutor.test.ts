/**
 * The extension's runner (`PoolExecutor`) against real worker threads (dist/worker.js, which
 * `npm run test:unit` builds first): one run cannot change the next through the workers' globals,
 * whether the next run is another file, an edit of the same file, or the same file after an edit
 * of a file it imports (issue 8). Oracle: each loss is x² plus whatever a leaked global adds, so
 * without a leak f(y_T) is exactly y_T · y_T.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentResult } from '../../src/engine/types';
import { PoolExecutor, type RunRequest } from '../../src/extension/runSession';
import { parseSettings } from '../../src/extension/settings';

const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');
const dir = mkdtempSync(join(tmpdir(), 'sgd-pool-executor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// One worker, so every run meets the same thread unless the pool is replaced.
const settings = parseSettings({ trials: 4, steps: 5, resolution: 5, workers: 1, compareGd: false });

/** A loss whose module sets a global that a later loss would add to its value if it leaked. */
const POLLUTER =
  '(globalThis as { sgdLeak?: number }).sgdLeak = 1000;\nexport function polluter(x: number): number {\n  return x * x;\n}\n';
/** x² plus the global, when some earlier module set it in this thread. */
const READER = 'export function reader(x: number): number {\n  return x * x + ((globalThis as { sgdLeak?: number }).sgdLeak ?? 0);\n}\n';

async function run(executor: PoolExecutor, file: string, exportName: string, sourceText?: string): Promise<ExperimentResult> {
  const request: RunRequest = { file, exportName, mode: 'run' };
  const text = sourceText ?? readFileSync(file, 'utf8');
  const prepared = await executor.prepare({ request, sourceText: text, settings, signal: new AbortController().signal });
  return prepared.run({ signal: new AbortController().signal, onProgress: () => undefined, onPartial: () => undefined });
}

/** f(y_T) of every trial, and y_T · y_T: equal exactly when nothing leaked into the loss. */
function lossesVsSquares(r: ExperimentResult): [number[], number[]] {
  return [r.sgd.finalLoss, r.sgd.finals.map(([y]) => y! * y!)];
}

test('another file, an edited file, an edited import: each runs on workers the earlier runs did not touch', async () => {
  const executor = new PoolExecutor({ workerScript, bundleDir: join(dir, 'bundles') });
  try {
    const polluter = join(dir, 'polluter.ts');
    const reader = join(dir, 'reader.ts');
    writeFileSync(polluter, POLLUTER);
    writeFileSync(reader, READER);

    // Another file after the polluter.
    const dirty = await run(executor, polluter, 'polluter');
    assert.deepEqual(...lossesVsSquares(dirty));
    const clean = await run(executor, reader, 'reader');
    assert.equal(clean.sgd.finalLoss.length, 4);
    assert.deepEqual(...lossesVsSquares(clean), 'the polluter’s global did not reach reader.ts');

    // The same file edited (as watch mode re-runs it): version 1 sets the global, version 2 reads it.
    const edited = join(dir, 'edited.ts');
    await run(executor, edited, 'polluter', POLLUTER);
    const v2 = await run(executor, edited, 'reader', READER);
    assert.deepEqual(...lossesVsSquares(v2), 'the edit runs on fresh workers');

    // The file unchanged, a file it imports edited: another bundle, so fresh workers too.
    const main = join(dir, 'main.ts');
    const helper = join(dir, 'helper.ts');
    writeFileSync(main, "import { k } from './helper';\nexport function main(x: number): number {\n  return x * x + k;\n}\n");
    writeFileSync(helper, '(globalThis as { sgdLeak?: number }).sgdLeak = 1000;\nexport const k = 0;\n');
    assert.deepEqual(...lossesVsSquares(await run(executor, main, 'main')));
    writeFileSync(helper, 'export const k = (globalThis as { sgdLeak?: number }).sgdLeak ?? 0;\n');
    assert.deepEqual(...lossesVsSquares(await run(executor, main, 'main')), 'the edited import runs on fresh workers');

    // An unchanged file keeps its warm workers (the pool object stays).
    const pool = executor['runner'];
    await run(executor, main, 'main');
    assert.equal(executor['runner'], pool, 'a re-run of an unchanged file reuses the pool');
  } finally {
    executor.dispose();
  }
});

test('the result size budget bounds runs, not sweeps: the same settings refuse a run and prepare a sweep', async () => {
  const executor = new PoolExecutor({ workerScript, bundleDir: join(dir, 'bundles') });
  try {
    const file = join(dir, 'budget.ts');
    const source = 'export function reader(x: number[]): number {\n  return x[0] * x[0];\n}\n';
    writeFileSync(file, source);
    const request: RunRequest = { file, exportName: 'reader', mode: 'run' };
    // 100,000 trials at dim 60 of one method: 4·60 + 2 numbers per trial, 2.4·10⁷ numbers, over the budget.
    const big = parseSettings({ trials: 100_000, steps: 10, dim: 60, resolution: 5, workers: 1, compareGd: false });
    const args = { request, sourceText: source, settings: big, signal: new AbortController().signal };
    await assert.rejects(executor.prepare(args), (e: Error) => {
      assert.match(e.message, /trials: the run's result would hold [\d,]+ numbers .* more than the 20,000,000 one run may keep/);
      return true;
    });
    const sweep = await executor.prepareSweep({ ...args, grid: { radius: [0.1, 0.2] } });
    assert.equal(sweep.config.trials, 100_000, 'a sweep keeps no per-trial data: prepared, not refused');
  } finally {
    executor.dispose();
  }
});
