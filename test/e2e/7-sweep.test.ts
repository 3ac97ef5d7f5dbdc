/**
 * Scenario 7: a sweep from the command palette on the paper's Figure 3 function (the two input
 * boxes: radii typed, learning rates as offered). The sweep panel fills in, its phase diagram is
 * drawn (screenshot), its cells equal the CLI's `sgd-landscape sweep` with the stored settings,
 * the hover box gives a cell's Wilson interval, a click on a cell opens that cell as an ordinary
 * run in the landscape panel with the cell's settings and counts, and the side panel lists the
 * stored sweep.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cellConfig, sweepPoints, type SweepResult } from '../../src/engine/sweep';
import { REPO, VsCode, copyExamples, tempDir } from './harness';
import { eventually, storedResults, tid, waitForNewRun } from './sgd';

const SWEEP = 'SGD Landscape: Sweep noise radius and learning rate';
const RADII = [0, 0.3, 0.6, 1.2];
let vs: VsCode;
let ws: string;

before(async () => {
  ws = copyExamples();
  vs = await VsCode.launch({ workspace: ws });
});
after(async () => {
  await vs?.close();
});

/** The sweeps the extension stored for this workspace (`sweeps/<id>.json`). */
function storedSweeps(): SweepResult[] {
  const root = join(vs.userDataDir, 'User', 'workspaceStorage');
  const out: SweepResult[] = [];
  for (const h of existsSync(root) ? readdirSync(root) : []) {
    const dir = join(root, h, 'sgd-landscape.sgd-landscape', 'sweeps');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir))
      if (f.endsWith('.json') && f !== 'index.json') out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')));
  }
  return out;
}

test('a sweep from the command palette: phase diagram, = CLI, hover interval, a cell opens as a run', async () => {
  await vs.openFile('paper-figure3.ts');
  await vs.runCommand(SWEEP);
  // Two input boxes: the radii (typed), then the learning rates (the offered default).
  const box = vs.page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  await box.fill(RADII.join(', '));
  await vs.page.keyboard.press('Enter');
  await eventually(
    'the learning-rate box',
    () => box.inputValue(),
    (v) => v === '0.01, 0.05',
  );
  await vs.screenshot('7-01-sweep-lr-box');
  await vs.page.keyboard.press('Enter');

  const frame = await vs.webview(tid('sweep-root'), 60_000);
  const diagram = frame.locator(tid('phase-diagram'));
  await eventually(
    'the sweep finishes with every cell drawn',
    async () => [
      await diagram.getAttribute('data-drawn'),
      await diagram.getAttribute('data-cells'),
      await frame.locator(tid('status')).textContent(),
    ],
    ([drawn, cells, status]) => drawn === 'true' && cells === '8' && status === '8 cells',
    120_000,
  );
  assert.equal(await diagram.getAttribute('data-pending'), '0');
  assert.equal(await frame.locator(`${tid('sweep-table')} tbody tr`).count(), 8);
  await vs.screenshot('7-02-phase-diagram');

  // The cells equal the CLI's sweep with the stored settings (same seed, same counts).
  const stored = storedSweeps();
  assert.equal(stored.length, 1, 'one sweep stored');
  const sweep = stored[0]!;
  assert.deepEqual(sweep.axes, { radius: RADII, lr: [0.01, 0.05] });
  const dir = tempDir('sgd-e2e-sweep-');
  writeFileSync(join(dir, 'SWEEP.json'), JSON.stringify(sweep.config));
  execFileSync(
    process.execPath,
    [
      join(REPO, 'dist/cli.js'),
      'sweep',
      join(ws, 'paper-figure3.ts'),
      '--config',
      join(dir, 'SWEEP.json'),
      '--out',
      join(dir, 'OUT.json'),
      '--quiet',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
  );
  const cli = JSON.parse(readFileSync(join(dir, 'OUT.json'), 'utf8')) as SweepResult;
  assert.deepEqual(cli.config, sweep.config);
  assert.deepEqual(
    cli.cells.map((c) => [c.success, c.gdSuccessRate, c.diverged, c.conditionHolds]),
    sweep.cells.map((c) => [c.success, c.gdSuccessRate, c.diverged, c.conditionHolds]),
    'every cell as the CLI counts it',
  );

  // Hover over cell (η 0.05, radius 0.6): index 1·4 + 2 = 6. The box gives its Wilson interval.
  const plot = JSON.parse((await diagram.getAttribute('data-plot'))!) as {
    x: number;
    y: number;
    cellW: number;
    cellH: number;
    rows: number;
  };
  const at = { x: plot.x + 2.5 * plot.cellW, y: plot.y + (plot.rows - 1 - 1 + 0.5) * plot.cellH };
  await diagram.scrollIntoViewIfNeeded();
  await diagram.hover({ position: at });
  const tip = frame.locator(tid('cell-tooltip'));
  await tip.waitFor({ state: 'visible', timeout: 10_000 });
  const cell = sweep.cells[6]!;
  assert.equal(cell.lr, 0.05);
  assert.equal(cell.radius, 0.6);
  assert.equal(await tip.getAttribute('data-index'), '6');
  assert.match(
    (await tip.textContent()) ?? '',
    // The engine's interval, to one decimal of a percent.
    new RegExp(`Wilson 95% interval ${(cell.interval[0] * 100).toFixed(1)}% – ${(cell.interval[1] * 100).toFixed(1)}%`),
  );
  await vs.screenshot('7-03-phase-diagram-hover');

  // A click opens that cell as an ordinary run in the landscape panel: the cell's settings and counts.
  const runsBefore = storedResults(vs).length;
  await diagram.click({ position: at });
  const { shown } = await waitForNewRun(vs);
  assert.match(shown.label, /^figure3 · 1-D · /);
  const runs = storedResults(vs);
  assert.equal(runs.length, runsBefore + 1);
  const run = runs[0]!;
  assert.deepEqual(run.config, cellConfig(sweep.config, sweepPoints(sweep.config)[6]!), 'the run has the cell’s exact settings');
  assert.equal(run.diagnostics.successSgd, cell.success, 'and its count');
  await vs.screenshot('7-04-cell-opened-as-run');

  // The side panel lists the stored sweep.
  await vs.page.locator('.part.activitybar .action-item a.action-label[aria-label^="SGD Landscape"]').first().click();
  const side = await vs.webview(tid('sidebar-root'));
  await side
    .locator(`${tid('recent-sweeps')} [data-sweep-id]`)
    .first()
    .waitFor({ timeout: 15_000 });
  assert.match((await side.locator(tid('recent-sweeps')).textContent()) ?? '', /figure3 — paper-figure3\.ts: 4 × 2 sweep/);
  assert.ok(await side.locator(tid('sweep')).isVisible(), 'the side panel offers Sweep');
  await vs.screenshot('7-05-sidebar-sweeps');
});
