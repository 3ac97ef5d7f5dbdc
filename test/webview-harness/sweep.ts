/**
 * The sweep panel in the harness (headless Chromium, VS Code's CSP, a mocked acquireVsCodeApi):
 * a finished 2-D sweep (cells, hatching, a cell's colour against viridis of its rate, the hover
 * box's Wilson interval against the engine's, a click posting openCell), a running one filling in
 * cell by cell, a 1-D sweep as a line chart, a third axis's layers, the export buttons, and no CSP
 * violations or console errors, in dark and light themes with screenshots.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { wilsonInterval, type SweepCell, type SweepConfig } from '../../src/engine/sweep';
import type { SweepView } from '../../src/protocol/sweep';
import { viridis } from '../../webview/shared/color';
import { makeResult } from '../fixtures/webview-result';

interface Harness {
  open(entry: 'sweep', theme: string, width?: number, height?: number): Promise<{ p: Page; errors: string[] }>;
  check(ok: boolean, what: string): void;
  outDir: string;
}

const TRIALS = 40;

/** A synthetic sweep with real Wilson intervals: success falls with the radius beyond 0.6 and rises with η. */
function sweepView(axes: { radius: number[]; lr: number[]; steps?: number[] }, id = 'sweep-1'): SweepView {
  const base = makeResult({ dim: 1, trials: TRIALS, steps: 100, seed: 3 }).config;
  const config: SweepConfig = {
    ...base,
    compareGd: true,
    sweep: { radius: axes.radius, lr: axes.lr, ...(axes.steps ? { steps: axes.steps } : {}) },
  };
  const cells: SweepCell[] = [];
  for (const steps of axes.steps ?? [100]) {
    for (const lr of axes.lr) {
      for (const radius of axes.radius) {
        const success = Math.min(
          TRIALS,
          Math.round(TRIALS * (0.2 + lr * 4 + (radius <= 0.6 ? radius : 1.2 - radius) * 0.8) * (steps / 200 + 0.5)),
        );
        const c = radius === 0 ? NaN : 0.8 - radius;
        cells.push({
          lr,
          radius,
          steps,
          trials: TRIALS,
          success,
          successRate: success / TRIALS,
          interval: wilsonInterval(success, TRIALS),
          gdSuccessRate: 0.25,
          diverged: radius > 1 ? 3 : 0,
          medianDistance: 0.05 + radius * 0.5,
          c,
          conditionHolds: c > 0 && lr < 0.1,
          successRadius: 0.3,
          xStar: [0],
          seed: '3',
        });
      }
    }
  }
  return {
    sweepId: id,
    config,
    axes: { ...axes },
    successRule: { source: 'setting', radius: 0.3 },
    cells: JSON.parse(JSON.stringify(cells)),
    source: { file: '/work/examples/figure3.ts', exportName: 'figure3' },
    startedAt: '2026-11-30T20:00:00.000Z',
    timing: { startedAt: '2026-11-30T20:00:00.000Z', totalMs: 1234, workers: 2 },
  };
}

const summaries = [
  {
    id: 'sweep-1',
    label: 'figure3 — figure3.ts: 5 × 3 sweep',
    file: '/work/examples/figure3.ts',
    exportName: 'figure3',
    startedAt: '2026-11-30T20:00:00.000Z',
    shape: [5, 3],
    cells: 15,
    mostlySuccessful: 9,
  },
];

async function postSweep(p: Page, message: unknown): Promise<void> {
  await p.evaluate((m) => window.postMessage(m, '*'), message as any);
}

async function attr(p: Page, id: string, name: string): Promise<string | null> {
  return p.getByTestId(id).getAttribute(name);
}

export async function sweepHarness({ open, check, outDir }: Harness): Promise<void> {
  for (const theme of ['vscode-dark', 'vscode-light']) {
    const { p, errors } = await open('sweep', theme, 1200, 1000);
    const view = sweepView({ radius: [0, 0.3, 0.6, 0.9, 1.2], lr: [0.02, 0.05, 0.1] });
    await postSweep(p, { type: 'sweepState', state: { status: { kind: 'idle' }, current: view, sweeps: summaries } });
    await p.waitForFunction(
      () => document.querySelector('[data-testid="phase-diagram"]')?.getAttribute('data-drawn') === 'true',
      undefined,
      {
        timeout: 15_000,
      },
    );
    const shaded = view.cells.filter((c) => c?.conditionHolds).length;
    check((await attr(p, 'phase-diagram', 'data-cells')) === '15', `sweep ${theme}: 15 cells drawn`);
    check(
      (await attr(p, 'phase-diagram', 'data-shaded')) === String(shaded),
      `sweep ${theme}: ${shaded} cells hatched where Theorem 1 holds`,
    );
    check((await p.getByTestId('sweep-table').locator('tbody tr').count()) === 15, `sweep ${theme}: a table row per cell`);
    const plot = JSON.parse((await attr(p, 'phase-diagram', 'data-plot'))!) as {
      x: number;
      y: number;
      cellW: number;
      cellH: number;
      rows: number;
    };
    // Cell 0 (lr row 0 = the bottom, radius 0: no noise, no c, never hatched): its colour is viridis of its rate (a corner, away from the text).
    const box = (await p.getByTestId('phase-diagram').boundingBox())!;
    const at = (iLr: number, iR: number, dx: number, dy: number) => ({
      x: plot.x + iR * plot.cellW + dx,
      y: plot.y + (plot.rows - 1 - iLr) * plot.cellH + dy,
    });
    const cell1 = view.cells[0]!;
    const corner = at(0, 0, 3, 3);
    const pixel = await p.getByTestId('phase-diagram').evaluate((c: HTMLCanvasElement, pt) => {
      const r = window.devicePixelRatio || 1;
      return Array.from(
        c
          .getContext('2d')!
          .getImageData(Math.round(pt.x * r), Math.round(pt.y * r), 1, 1)
          .data.slice(0, 3),
      );
    }, corner);
    const want = viridis(cell1.successRate);
    check(
      !cell1.conditionHolds && pixel.every((v, k) => Math.abs(v - want[k]!) <= 2),
      `sweep ${theme}: cell (η ${cell1.lr}, radius ${cell1.radius}) coloured viridis(${cell1.successRate}) = ${want} (got ${pixel})`,
    );
    // Hover: the Wilson interval of that cell, as the engine computes it.
    const target = view.cells[7]!; // lr row 1, radius column 2
    const centre = at(1, 2, plot.cellW / 2, plot.cellH / 2);
    await p.mouse.move(box.x + centre.x, box.y + centre.y);
    await p.getByTestId('cell-tooltip').waitFor({ state: 'visible', timeout: 5000 });
    const tip = (await p.getByTestId('cell-tooltip').textContent()) ?? '';
    const [lo, hi] = wilsonInterval(target.success, TRIALS);
    check(
      tip.includes(`Wilson 95% interval ${(lo * 100).toFixed(1)}% – ${(hi * 100).toFixed(1)}%`) &&
        tip.includes(`${target.success} / ${TRIALS}`),
      `sweep ${theme}: hover shows cell 7's Wilson interval ${(lo * 100).toFixed(1)}% – ${(hi * 100).toFixed(1)}% (${tip.slice(0, 160)})`,
    );
    check((await attr(p, 'cell-tooltip', 'data-index')) === '7', `sweep ${theme}: the hover box is cell 7's`);
    await p.screenshot({ path: join(outDir, `sweep-${theme.replace('vscode-', '')}.png`), fullPage: true });
    await p.mouse.click(box.x + centre.x, box.y + centre.y);
    const posted = await p.evaluate(() => (window as any).__posted as any[]);
    check(
      posted.some((m) => m.type === 'openCell' && m.index === 7 && m.sweepId === 'sweep-1'),
      `sweep ${theme}: a click on the cell posts openCell 7`,
    );
    await p.getByTestId('export-png').click();
    await p.getByTestId('export-json').click();
    const exported = await p.evaluate(() => (window as any).__posted as any[]);
    check(
      exported.some((m) => m.type === 'exportPng' && /^data:image\/png;base64,/.test(m.dataUrl) && /^figure3-sweep-/.test(m.name)),
      `sweep ${theme}: PNG export posts the diagram`,
    );
    check(
      exported.some((m) => m.type === 'exportSweep' && m.format === 'json'),
      `sweep ${theme}: JSON export asks the host`,
    );

    if (theme === 'vscode-dark') {
      // A running sweep fills in cell by cell.
      const running: SweepView = { ...view, sweepId: 'sweep-2', cells: view.cells.map(() => null), timing: undefined };
      await postSweep(p, {
        type: 'sweepState',
        state: {
          status: { kind: 'running', runId: 'sweep-2', label: 'sweep', phase: 'sweep', done: 0, total: 15 },
          current: running,
          sweeps: summaries,
        },
      });
      await p.waitForFunction(() => document.querySelector('[data-testid="phase-diagram"]')?.getAttribute('data-pending') === '15');
      check(!(await p.getByTestId('export-json').isEnabled()), 'sweep: a running sweep does not export');
      for (const i of [0, 5, 14, 9]) await postSweep(p, { type: 'sweepCell', sweepId: 'sweep-2', index: i, cell: view.cells[i] });
      await postSweep(p, { type: 'sweepCell', sweepId: 'other', index: 1, cell: view.cells[1] });
      await postSweep(p, {
        type: 'sweepStatus',
        status: { kind: 'running', runId: 'sweep-2', label: 'sweep', phase: 'sweep', done: 4, total: 15 },
      });
      await p.waitForFunction(
        () => document.querySelector('[data-testid="phase-diagram"]')?.getAttribute('data-cells') === '4',
        undefined,
        {
          timeout: 5000,
        },
      );
      check((await attr(p, 'phase-diagram', 'data-pending')) === '11', 'sweep: 4 cells in, 11 pending (a cell of another sweep ignored)');
      check(/4 of 15 cells/.test((await p.getByTestId('status').textContent()) ?? ''), 'sweep: the status counts the cells done');
      check(await p.getByTestId('stop').isVisible(), 'sweep: Stop shows while running');
      await p.screenshot({ path: join(outDir, 'sweep-running.png'), fullPage: true });

      // 1-D: radius alone → a line chart with the band.
      const line = sweepView({ radius: [0, 0.2, 0.4, 0.6, 0.8, 1.0], lr: [0.05] }, 'sweep-3');
      await postSweep(p, { type: 'sweepState', state: { status: { kind: 'idle' }, current: line, sweeps: summaries } });
      await p.waitForFunction(() => document.querySelector('[data-testid="phase-line"]')?.getAttribute('data-drawn') === 'true');
      check((await attr(p, 'phase-line', 'data-cells')) === '6', 'sweep 1-D: six points on the line chart');
      check(
        (await attr(p, 'phase-line', 'data-shaded')) === String(line.cells.filter((c) => c?.conditionHolds).length),
        'sweep 1-D: Theorem 1 region shaded per value',
      );
      check((await attr(p, 'phase-diagram', 'data-drawn')) === 'false', 'sweep 1-D: no map');
      await p.screenshot({ path: join(outDir, 'sweep-1d.png'), fullPage: true });

      // A third axis: one layer at a time.
      const layered = sweepView({ radius: [0.3, 0.6], lr: [0.02, 0.05], steps: [100, 300] }, 'sweep-4');
      layered.cells = layered.cells.map((c, i) => (i >= 6 ? null : c));
      layered.incomplete = true;
      await postSweep(p, { type: 'sweepState', state: { status: { kind: 'cancelled' }, current: layered, sweeps: summaries } });
      await p.waitForFunction(() => document.querySelector('[data-testid="phase-diagram"]')?.getAttribute('data-cells') === '4');
      check(await p.getByTestId('layer').isVisible(), 'sweep layers: the steps picker shows');
      await p.getByTestId('layer').selectOption('1');
      await p.waitForFunction(() => document.querySelector('[data-testid="phase-diagram"]')?.getAttribute('data-cells') === '2');
      check((await attr(p, 'phase-diagram', 'data-pending')) === '2', 'sweep layers: steps 300 shows its 2 done and 2 missing cells');
      check(/Stopped: 6 of 8 cells/.test((await p.getByTestId('status').textContent()) ?? ''), 'sweep: a stopped sweep says so');
    }
    const csp = await p.evaluate(() => (window as any).__csp as string[]);
    check(csp.length === 0, `sweep ${theme}: no CSP violations ${csp.join(', ')}`);
    check(errors.length === 0, `sweep ${theme}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }
}
