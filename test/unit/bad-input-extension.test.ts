/**
 * The bad-input cases of issue 8 that matter in the extension, through its own run path: the run
 * service (`runService.ts`) over `PoolExecutor` and the real worker pool (dist/worker.js), as the
 * extension runs them. Each case must end with an error on the panel (status `error`, the message
 * naming the function or the file, with the file and line) and a failure for the toast, never
 * silently; and no worker thread may be left once the run has ended.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/engine/config';
import { largestFitting } from '../../src/engine/resultBudget';
import type { Notifier } from '../../src/extension/ports';
import { PoolExecutor } from '../../src/extension/runSession';
import { RunService } from '../../src/extension/runService';
import { RunStore } from '../../src/extension/runStore';
import { parseSettings } from '../../src/extension/settings';
import type { RunFailure } from '../../src/runner/failure';

const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');
const dir = mkdtempSync(join(tmpdir(), 'sgd-bad-ext-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: string;
  /** loss.ts; its export is `line(x)`. */
  source: string;
  settings?: Record<string, unknown>;
  /** Strings the panel's error message must contain. */
  says: string[];
  /** The line the error points at (1-based), when known. */
  line?: number;
}

/**
 * A memory case's stall limit: an hour, so only the memory limit can end its run (the stall
 * watchdog is wall-clock and raced the heap limit under load: at load 13–19 the stall won). Its
 * test's own time limit, 300 s, bounds a hang.
 */
const MEMORY_CASE = { stallSeconds: 3600 };
const timeLimit = (c: Case) => ({ timeout: c.settings?.stallSeconds === MEMORY_CASE.stallSeconds ? 300_000 : undefined });

const one = (body: string) => `export function line(x: number): number {\n  ${body}\n}\n`;
const top = (code: string) => `${code}\nexport function line(x: number): number {\n  return x * x;\n}\n`;

const CASES: Case[] = [
  { name: 'process.exit(0) at the top level', source: top('process.exit(0);'), says: ['its top level called process.exit(0)'], line: 1 },
  {
    name: 'process.exit(3) in the loss',
    source: one('if (x > 0.25) process.exit(3);\n  return x * x;'),
    says: ['line called process.exit(3) at x = ['],
    line: 2,
  },
  {
    name: 'a memory bomb in the loss',
    source: `const h: number[][] = [];\n${one('for (;;) h.push(new Array(1e6).fill(x));')}`,
    settings: { memoryLimitMb: 64, ...MEMORY_CASE },
    says: ['line ran out of memory at x ≈ [', 'worker heap limit of 64 MB'],
    line: 2,
  },
  {
    name: 'a memory bomb at the top level',
    source: top('const h: number[][] = [];\nfor (;;) h.push(new Array(1e6).fill(1));'),
    settings: { memoryLimitMb: 64, ...MEMORY_CASE },
    says: ['loss.ts ran out of memory: its top-level code needs more than the worker heap limit of 64 MB'],
  },
  {
    name: 'typed arrays in the loss (outside the heap) count against the memory budget',
    source: `const hoard: Float64Array[] = [];\n${one('while (hoard.length < 20) hoard.push(new Float64Array(1e7).fill(x));\n  for (;;) {}')}`,
    settings: { memoryLimitMb: 32, ...MEMORY_CASE },
    says: ['line used too much memory at x', 'typed arrays and buffers count'],
    line: 2,
  },
  {
    name: 'a loss returning -Infinity',
    source: one('return -Infinity;'),
    says: ['line is not finite anywhere on the landscape: it returned -Infinity at x = [', 'and at all 5 grid points'],
    line: 1,
  },
  {
    name: 'a loss returning strings',
    source: one('return String(x) as unknown as number;'),
    says: ['line must return a number; at x = [', 'it returned the string'],
    line: 1,
  },
  {
    name: 'a hang at the top level',
    source: top('for (;;) {}'),
    settings: { stallSeconds: 0.5 },
    says: ['loss.ts did not finish within 0.5 s: its top-level code hangs'],
  },
  {
    name: 'a rejection at the top level',
    source: top("Promise.reject(new Error('nope'));"),
    says: ['its top level rejected a promise that nothing handled: nope'],
    line: 1,
  },
  {
    name: 'a result too large to keep (100,000 trials at dim 30)',
    source: 'export function line(x: number[]): number {\n  return x[0] * x[0];\n}\n',
    settings: { trials: 100_000, steps: 10, dim: 30 },
    // Named as the extension's user sets it: sgdLandscape.trials.
    says: [
      "sgdLandscape.trials: the run's result would hold ",
      'more than the 20,000,000 one run may keep',
      'lower sgdLandscape.trials from 100,000 to at most ',
    ],
  },
];

class Notes implements Notifier {
  failures: RunFailure[] = [];
  log(): void {}
  info(): void {}
  warn(): void {}
  runFailed(f: RunFailure): void {
    this.failures.push(f);
  }
  fileBuilt(): void {}
  showPanel(): void {}
}

function service(settings: Record<string, unknown>, output: string[] = []) {
  const executor = new PoolExecutor({ workerScript, bundleDir: join(dir, 'bundles'), onOutput: (t) => output.push(t) });
  const notes = new Notes();
  const parsed = parseSettings({ trials: 4, steps: 20, resolution: 5, workers: 1, ...settings });
  const s = new RunService({
    store: new RunStore(join(dir, 'runs')),
    executor,
    clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    notifier: notes,
    saver: { save: () => Promise.resolve(undefined) },
    env: { readSettings: () => parsed, readSource: (f) => readFile(f, 'utf8'), relativePath: (f) => f, isTrusted: () => true },
  });
  return { s, notes, executor };
}

for (const [i, c] of CASES.entries()) {
  test(`extension: ${c.name}`, timeLimit(c), async () => {
    const file = join(dir, `case${i}`, 'loss.ts');
    rmSync(join(dir, `case${i}`), { recursive: true, force: true });
    mkdirSync(join(dir, `case${i}`));
    writeFileSync(file, c.source);
    const { s, notes } = service(c.settings ?? {});
    try {
      await s.start({ file, exportName: 'line', mode: 'run' });
      const status = s.state.status;
      assert.equal(status.kind, 'error', JSON.stringify(status));
      if (status.kind !== 'error') return;
      for (const w of c.says) assert.ok(status.message.includes(w), `the message lacks ${JSON.stringify(w)}: ${status.message}`);
      assert.equal(status.file, file);
      if (c.line !== undefined) assert.equal(status.line, c.line, status.message);
      assert.equal(notes.failures.length, 1, 'one failure for the toast');
    } finally {
      s.dispose();
    }
  });
}

test('extension: what the loss prints reaches the output, capped, and the run still succeeds', async () => {
  const file = join(dir, 'chatty.ts');
  writeFileSync(file, one("console.log('z'.repeat(10_000));\n  return x * x;"));
  const output: string[] = [];
  const { s } = service({}, output);
  try {
    await s.start({ file, exportName: 'line', mode: 'run' });
    assert.equal(s.state.status.kind, 'idle', JSON.stringify(s.state.status));
    const text = output.join('');
    assert.ok(text.startsWith('zzzz'), text.slice(0, 40));
    assert.ok(text.length < 70 * 1024, `${text.length} characters passed on`);
    assert.match(text, /\[line printed \d+(\.\d)? MB more \(\d+ lines\) that are not shown\]\n$/);
  } finally {
    s.dispose();
  }
});

test("extension: at the result budget's edge the largest fitting trials are prepared, one more is refused naming sgdLandscape.trials", async () => {
  const file = join(dir, 'edge', 'loss.ts');
  const source = 'export function line(x: number[]): number {\n  return x[0] * x[0];\n}\n';
  mkdirSync(join(dir, 'edge'), { recursive: true });
  writeFileSync(file, source);
  // The engine's edge for these settings (dim 30, 10 steps, SGD and GD).
  const engine = resolveConfig({ function: 'line', trials: 100_000, steps: 10, resolution: 5 }, { dim: 30 });
  const edge = largestFitting(engine, 'trials', 1)!;
  assert.ok(edge > 1000 && edge < 100_000, `edge ${edge}`);
  // Through the host's preparation (PoolExecutor: the settings as its lowest layer), nothing run.
  const executor = new PoolExecutor({ workerScript, bundleDir: join(dir, 'bundles'), onOutput: () => undefined });
  try {
    const at = await executor.prepare({
      request: { file, exportName: 'line', mode: 'run' },
      sourceText: source,
      settings: parseSettings({ trials: edge, steps: 10, resolution: 5, dim: 30, workers: 1 }),
      signal: new AbortController().signal,
    });
    assert.equal(at.config.trials, edge);
  } finally {
    executor.dispose();
  }
  // One more, through the run service: an error on the panel and one toast, nothing run.
  const { s, notes } = service({ trials: edge + 1, steps: 10, dim: 30 });
  try {
    await s.start({ file, exportName: 'line', mode: 'run' });
    const status = s.state.status;
    assert.equal(status.kind, 'error', JSON.stringify(status));
    if (status.kind !== 'error') return;
    const fmt = (n: number) => n.toLocaleString('en-US');
    assert.ok(status.message.includes(`lower sgdLandscape.trials from ${fmt(edge + 1)} to at most ${fmt(edge)}`), status.message);
    assert.match(status.message, /bad setting sgdLandscape\.trials: the run's result would hold 20,000,\d{3} numbers/);
    assert.equal(notes.failures.length, 1);
    assert.equal(s.state.runs.length, 0, 'nothing stored');
  } finally {
    s.dispose();
  }
});
