/**
 * The panel's "Landscape in 3-D" card in the harness (headless Chromium renders WebGL2 in software,
 * SwiftShader): the vertex buffer read back at sampled grid points against the grid's values on the
 * colour scale worked out here (linear, then log when picked), the finals and x* counted from the
 * result, pixels on the canvas, one WebGL context reused over runs and given back for a 1-D run, a
 * d > 2 run saying why not, a 401 × 401 grid thinned to 201 lines, and a page without WebGL (context
 * creation forced to fail) saying so while every 2-D chart draws; no CSP violations or console
 * errors. Time-slider frames timed (reported beside the 100 ms target) and drawn over the cached
 * surface; Play on a Himmelblau run of the engine: the markers are every trial at the slider's
 * snapshot, then the finals; a run over the snapshot budget says why it has none. Screenshots in
 * dark, light, high contrast and light high contrast: the view (panel-3d-*.png), mid-Play (panel-3d-play-*.png), the
 * note of a run without snapshots (panel-3d-no-snapshots-*.png).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostState, ViewResult } from '../../src/protocol/webview';
import { toViewResult } from '../../src/extension/viewModel';
import { makeResult } from '../fixtures/webview-result';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import type { RunConfigInput } from '../../src/engine/types';
import { himmelblau, himmelblauOptions } from '../../examples/himmelblau';

interface Harness {
  browser: Browser;
  origin: string;
  check(ok: boolean, what: string): void;
  outDir: string;
}

const CHARTS_2D = ['chart-landscape', 'chart-trajectories', 'chart-finals', 'chart-histogram', 'chart-convexity'];

/** The colour-scale position of every value of a grid, worked out from its definition (webview/shared/valueScale.ts's comment). */
function scaleOf(values: number[][], kind: 'linear' | 'log' | 'auto'): { kind: 'linear' | 'log'; at: (v: number) => number } {
  const a = values
    .flat()
    .filter(Number.isFinite)
    .sort((u, v) => u - v);
  const lo = a[0]!;
  const hi = a[Math.ceil(0.98 * (a.length - 1))]!;
  const tenth = a[Math.round(0.1 * (a.length - 1))]! - lo;
  const k = kind === 'auto' ? (hi - lo > 0 && tenth < (hi - lo) / 100 ? 'log' : 'linear') : kind;
  const clamp = (t: number) => Math.min(1, Math.max(0, t));
  if (k === 'linear') return { kind: k, at: (v) => clamp((v - lo) / (hi - lo)) };
  const delta = (hi - lo) / 1e4;
  return { kind: k, at: (v) => clamp(Math.log1p(Math.max(0, v - lo) / delta) / Math.log1p((hi - lo) / delta)) };
}

/** Checks the vertex buffer's sampled rows [ix, iy, u, v, height] against the grid. */
function vertexOracle(
  view: ViewResult,
  grid: number[][],
  kind: 'linear' | 'log' | 'auto',
  rows: number[][],
): { ok: boolean; worst: number; kind: string } {
  const L = view.landscape;
  const x = L.x;
  const y = L.y!;
  const s = scaleOf(grid, kind);
  let worst = 0;
  for (const [ix, iy, u, v, z] of rows) {
    const wantU = (x[ix!]! - x[0]!) / (x[x.length - 1]! - x[0]!);
    const wantV = (y[iy!]! - y[0]!) / (y[y.length - 1]! - y[0]!);
    const wantZ = s.at(grid[iy!]![ix!]!);
    worst = Math.max(worst, Math.abs(u! - wantU), Math.abs(v! - wantV), Math.abs(z! - wantZ));
  }
  // Float32 buffers: positions in [0, 1] carry 2⁻²⁴ relative error.
  return { ok: rows.length >= 5 && worst <= 1e-6, worst, kind: s.kind };
}

async function openPanel(
  h: Harness,
  theme: string,
  init?: string,
  width = 1200,
  height = 900,
): Promise<{ p: Page; errors: string[]; requests: string[] }> {
  const p = await h.browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  const requests: string[] = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('request', (r) => requests.push(r.url()));
  p.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  if (init) await p.addInitScript(init);
  await p.goto(`${h.origin}/panel.html?theme=${theme}`);
  await p.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
  return { p, errors, requests };
}

async function post(p: Page, state: HostState): Promise<void> {
  await p.evaluate((s) => window.postMessage({ type: 'state', state: s }, '*'), state as any);
}

/** Scrolls the 3-D card into view and waits for it to leave `waiting` (or for the run on screen to be `runId`). */
async function showCard(p: Page, runId: string): Promise<Record<string, string | null>> {
  await p.waitForFunction((id) => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-run') === id, runId, {
    timeout: 30_000,
  });
  await p.getByTestId('surface-card').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await p
    .waitForFunction(
      () => {
        const card = document.querySelector('[data-testid="surface-card"]');
        const c = document.querySelector('[data-testid="chart-surface"]');
        const st = card?.getAttribute('data-state');
        return st === 'no-webgl' || st === 'failed' || st === 'not-2d' || (st === 'drawn' && c?.getAttribute('data-drawn') === 'true');
      },
      undefined,
      { timeout: 30_000 },
    )
    .catch(() => undefined);
  return p.evaluate(() => {
    const card = document.querySelector('[data-testid="surface-card"]') as HTMLElement;
    const c = document.querySelector('[data-testid="chart-surface"]') as HTMLElement | null;
    return {
      state: card.getAttribute('data-state'),
      hidden: String(card.hidden),
      gl: card.getAttribute('data-gl'),
      contexts: card.getAttribute('data-gl-contexts'),
      note: (document.querySelector('[data-testid="surface-note"]') as HTMLElement).hidden
        ? null
        : document.querySelector('[data-testid="surface-note"]')!.textContent,
      ...Object.fromEntries(Object.entries(c?.dataset ?? {}).map(([k, v]) => [k, v ?? null])),
    };
  });
}

/** Pixels of the WebGL canvas that are drawn, and how many distinct colours they take. */
async function pixels(p: Page): Promise<{ drawn: number; colors: number; total: number }> {
  return p.getByTestId('chart-surface').evaluate((c: HTMLCanvasElement) => {
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    const colors = new Set<number>();
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3]! > 0) {
        drawn++;
        colors.add(((d[i]! >> 3) << 10) | ((d[i + 1]! >> 3) << 5) | (d[i + 2]! >> 3));
      }
    return { drawn, colors: colors.size, total: c.width * c.height };
  });
}

async function cspViolations(p: Page): Promise<string[]> {
  return p.evaluate(() => (window as any).__csp as string[]);
}

export async function surfaceHarness(h: Harness): Promise<void> {
  const { check, outDir } = h;
  const state = (current: ViewResult): HostState => ({ status: { kind: 'idle' }, runs: [], current });
  const view = toViewResult(makeResult({ dim: 2, trials: 200, steps: 300, resolution: 201 }), 'run-surface-2d');
  const L = view.landscape;
  const f = L.f as number[][];

  // A 1-D run: no card, and three.js (surface3d.js) never loaded.
  {
    const { p, errors, requests } = await openPanel(h, 'vscode-dark');
    const oneD = toViewResult(makeResult({ dim: 1, trials: 20, steps: 100 }), 'run-surface-1d-only');
    await post(p, state(oneD));
    const d = await showCard(p, oneD.runId);
    check(
      d.hidden === 'true' && !requests.some((u) => u.endsWith('surface3d.js')),
      '3-D: a 1-D run hides the card and never loads surface3d.js (three.js)',
    );
    check(errors.length === 0, `3-D 1-D run: no console errors ${errors.join(' | ')}`);
    await p.close();
  }

  for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
    const { p, errors } = await openPanel(h, theme);
    await post(p, state(view));
    const d = await showCard(p, view.runId);
    check(d.state === 'drawn' && d.drawn === 'true', `3-D ${theme}: drawn (state ${d.state}, ${d.note ?? ''}${d.error ?? ''})`);
    check(d.grid === '201x201' && d.mesh === '201x201', `3-D: the 201 × 201 grid drawn whole (grid ${d.grid}, mesh ${d.mesh})`);
    check(
      d.points === String(201 * 201) && d.triangles === String(2 * 200 * 200),
      `3-D: ${d.points} vertices and ${d.triangles} triangles = 201² and 2·200²`,
    );
    const rows = JSON.parse(d.vertexSample ?? '[]') as number[][];
    const o = vertexOracle(view, f, 'auto', rows);
    check(
      o.ok && d.colorScale === o.kind,
      `3-D: vertex buffer at ${rows.length} grid points = (x, y, f on the ${o.kind} scale) of the grid (worst error ${o.worst.toExponential(1)}; scale ${d.colorScale})`,
    );
    // Finals of every method (diverged ones left out) and x*, all on the surface.
    const methods = view.methods ?? [];
    const finals = methods.reduce((n, m) => n + m.divergedMask.filter((x) => !x).length, 0);
    check(Number(d.marks) === finals + 1, `3-D: ${d.marks} markers = ${finals} finals of ${methods.length} methods + x*`);
    check(
      Number(d.lines) >= 10 && Number(d.linePoints) > 0,
      `3-D: sampled paths on the surface (${d.lines} lines, ${d.linePoints} points)`,
    );
    const px = await pixels(p);
    check(px.drawn > px.total * 0.05 && px.colors > 50, `3-D ${theme}: pixels drawn (${px.drawn} of ${px.total}, ${px.colors} colours)`);
    await p.getByTestId('surface-card').screenshot({ path: join(outDir, `panel-3d-${theme.replace('vscode-', '')}.png`) });
    if (theme === 'vscode-dark') {
      // Speed (reported beside the 100 ms target, not yet a check: 390 ms at load 11 on 2 cores): a
      // Play frame of the time slider redraws the paths and markers over the 201 × 201 surface
      // (kept in a render target, not drawn again); toDataURL waits for the GPU (SwiftShader here)
      // to finish each frame. That the frame was drawn over the cached surface is checked.
      const perFrame = await p.getByTestId('time-slider').evaluate(async (el: HTMLInputElement) => {
        const c = document.querySelector('[data-testid="chart-surface"]') as HTMLCanvasElement;
        const t0 = performance.now();
        for (let k = 0; k < 10; k++) {
          el.value = String(k * 3);
          el.dispatchEvent(new Event('input'));
          await new Promise((r) => setTimeout(r, 0));
          c.toDataURL();
        }
        return (performance.now() - t0) / 10;
      });
      console.log(
        `speed ${perFrame < 100 ? 'within' : 'OVER'} target: 3-D view, 201 × 201 surface: ${perFrame.toFixed(0)} ms per time-slider frame, all charts included (target 100)`,
      );
      const frame = await p.getByTestId('chart-surface').getAttribute('data-frame');
      check(frame === 'overlay', `3-D: a time-slider frame draws the paths and markers over the cached surface (frame ${frame})`);
      // The log scale chosen in the Landscape card: the surface follows it.
      await p.getByTestId('color-scale').evaluate((el: HTMLElement & { value: string }) => {
        el.value = 'log';
        el.dispatchEvent(new Event('change'));
      });
      await p.waitForFunction(() => document.querySelector('[data-testid="chart-surface"]')?.getAttribute('data-color-scale') === 'log');
      const rowsLog = JSON.parse((await p.getByTestId('chart-surface').getAttribute('data-vertex-sample')) ?? '[]') as number[][];
      const ol = vertexOracle(view, f, 'log', rowsLog);
      check(ol.ok, `3-D: log scale picked, heights follow it (worst error ${ol.worst.toExponential(1)})`);
      // g instead of f.
      await p.getByTestId('surface-layer').evaluate((el: HTMLElement & { value: string }) => {
        el.value = '0';
        el.dispatchEvent(new Event('change'));
      });
      await p.waitForFunction(() => document.querySelector('[data-testid="chart-surface"]')?.getAttribute('data-surface') === 'g0');
      const rowsG = JSON.parse((await p.getByTestId('chart-surface').getAttribute('data-vertex-sample')) ?? '[]') as number[][];
      const og = vertexOracle(view, L.smoothed[0]!.values as number[][], 'log', rowsG);
      check(og.ok, `3-D: g's surface = g on the grid (worst error ${og.worst.toExponential(1)})`);
      await p.getByTestId('surface-card').screenshot({ path: join(outDir, 'panel-3d-g-log.png') });
      // Turn the view with the mouse, then Reset.
      const before = await p.getByTestId('chart-surface').evaluate((c: HTMLCanvasElement) => c.toDataURL());
      const box = (await p.getByTestId('chart-surface').boundingBox())!;
      await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await p.mouse.down();
      await p.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2 + 40, { steps: 5 });
      await p.mouse.up();
      await p.waitForTimeout(100);
      const turned = await p.getByTestId('chart-surface').evaluate((c: HTMLCanvasElement) => c.toDataURL());
      check(turned !== before, '3-D: dragging turns the view');
      await p.getByTestId('surface-reset').click();
      await p.waitForTimeout(100);
      const reset = await p.getByTestId('chart-surface').evaluate((c: HTMLCanvasElement) => c.toDataURL());
      check(reset === before, '3-D: Reset view brings the starting view back');
      // One context for every run; a 1-D run gives it back, the next 2-D run takes a new one.
      for (let k = 1; k <= 3; k++) {
        const next = { ...view, runId: `run-surface-2d-${k}` };
        await post(p, state(next));
        await showCard(p, next.runId);
      }
      const after3 = await showCard(p, 'run-surface-2d-3');
      check(
        after3.contexts === '1' && after3.gl === 'live',
        `3-D: 3 more runs drawn in the same WebGL context (${after3.contexts} created)`,
      );
      const oneD = toViewResult(makeResult({ dim: 1, trials: 20, steps: 100 }), 'run-surface-1d');
      await post(p, state(oneD));
      const d1 = await showCard(p, oneD.runId);
      check(d1.hidden === 'true' && d1.gl === 'released', `3-D: a 1-D run hides the card and gives the context back (gl ${d1.gl})`);
      await post(p, state({ ...view, runId: 'run-surface-2d-again' }));
      const again = await showCard(p, 'run-surface-2d-again');
      check(
        again.state === 'drawn' && again.contexts === '2',
        `3-D: the next 2-D run draws in a new context (${again.contexts} created in all)`,
      );
      // d > 2: the card says why there is no surface.
      const fiveD = toViewResult(makeResult({ dim: 5, trials: 20, steps: 100 }), 'run-surface-5d');
      await post(p, state(fiveD));
      const d5 = await showCard(p, fiveD.runId);
      check(
        d5.state === 'not-2d' && d5.hidden === 'false' && /d = 5/.test(d5.note ?? '') && d5.gl === 'released',
        `3-D: a 5-D run says why not: "${d5.note?.slice(0, 70)}…"`,
      );
      // PNG export of the 3-D view.
      await post(p, state({ ...view, runId: 'run-surface-png' }));
      await showCard(p, 'run-surface-png');
      await p.getByTestId('png-chart-surface').click();
      const png = await p.evaluate(() => (window as any).__posted.find((m: any) => m.type === 'exportPng'));
      check(
        png?.name === 'spikyBowl-surface' && png.dataUrl.length > 10_000,
        `3-D: PNG export posted (${png?.name}, ${png?.dataUrl.length} chars)`,
      );
    }
    const csp = await cspViolations(p);
    check(csp.length === 0, `3-D ${theme}: no CSP violations ${csp.join(', ')}`);
    check(errors.length === 0, `3-D ${theme}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }

  // Play on a run of the engine (Himmelblau, examples/himmelblau.ts): before the end the markers are
  // every trial at the latest snapshot at or before the slider's step, counted here from the result.
  {
    const { gradient: _gradient, ...options } = himmelblauOptions;
    const config = resolveConfig({ function: 'himmelblau', trials: 100, seed: 'issue13', resolution: 81 } as RunConfigInput, {
      dim: 2,
      options,
    });
    const result = runExperiment((q) => himmelblau(q[0]!, q[1]!), undefined, config);
    const hv = toViewResult(result, 'run-surface-himmelblau');
    const snapSteps = result.sgd.snapshotSteps;
    const pathSteps = result.sgd.pathSteps;
    const index = Math.floor(pathSteps.length / 2);
    const snap = snapSteps.filter((st) => st <= pathSteps[index]!).length - 1;
    const at = (k: number) =>
      result.methods.reduce((n, m) => n + (m.snapshots[k] ?? []).filter((y) => y !== null && y.every(Number.isFinite)).length, 0);
    const finals = result.methods.reduce((n, m) => n + m.divergedMask.filter((x) => !x).length, 0);
    check(snapSteps.length >= 2 && snap > 0, `3-D Play: the Himmelblau run keeps snapshots (${snapSteps.join(', ')})`);
    for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
      const { p, errors } = await openPanel(h, theme);
      await post(p, state(hv));
      const end = await showCard(p, hv.runId);
      check(
        end.snapshot === 'end' && Number(end.marks) === finals + 1,
        `3-D Play ${theme}: at the end the ${finals} finals + x* (${end.marks})`,
      );
      await p.getByTestId('time-slider').evaluate((el: HTMLInputElement, v: number) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input'));
      }, index);
      await p.waitForFunction(
        (st) => document.querySelector('[data-testid="chart-surface"]')?.getAttribute('data-snapshot') === String(st),
        snapSteps[snap],
      );
      const mid = await showCard(p, hv.runId);
      const whereText = await p.getByTestId('surface-where').textContent();
      check(
        Number(mid.marks) === at(snap) + 1 && mid.step === String(pathSteps[index]) && Number(mid.linePoints) < Number(end.linePoints),
        `3-D Play ${theme}: slider at step ${pathSteps[index]}: every method's ${at(snap)} trials at snapshot step ${snapSteps[snap]} + x* on the surface (${mid.marks}); paths drawn up to it (${mid.linePoints} of ${end.linePoints} points)`,
      );
      check(
        new RegExp(`at step ${snapSteps[snap]}\\b`).test(whereText ?? '') && mid.frame === 'overlay',
        `3-D Play ${theme}: the card says so ("${whereText?.slice(0, 90)}…"; frame ${mid.frame})`,
      );
      await p.getByTestId('surface-card').screenshot({ path: join(outDir, `panel-3d-play-${theme.replace('vscode-', '')}.png`) });
      if (theme === 'vscode-dark') {
        // Play from there: the markers pass through the later snapshots and end on the finals.
        const seen = new Set<string>();
        await p.getByTestId('play').click();
        const until = Date.now() + 60_000;
        while (Date.now() < until) {
          const w = await p.getByTestId('chart-surface').getAttribute('data-snapshot');
          if (w) seen.add(w);
          if (w === 'end') break;
          await p.waitForTimeout(30);
        }
        const later = snapSteps.filter((st) => st > snapSteps[snap]!).map(String);
        const passed = later.filter((w) => seen.has(w));
        check(
          seen.has('end') && passed.length >= Math.min(2, later.length),
          `3-D Play: the markers move through ${passed.length} of the ${later.length} later snapshots, then the finals (${[...seen].join(', ')})`,
        );
      }
      check(errors.length === 0, `3-D Play ${theme}: no console errors ${errors.join(' | ')}`);
      await p.close();
    }
  }

  // Over the snapshot budget (7000 trials × d = 2 × 2 methods = 28 000 numbers per snapshot, of
  // src/engine/keptSteps.ts's 50 000: fewer than two fit): the card says why Play shows the finals.
  {
    const many = toViewResult(makeResult({ dim: 2, trials: 7000, steps: 100, resolution: 81 }), 'run-surface-no-snapshots');
    for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
      const { p, errors } = await openPanel(h, theme);
      await post(p, state(many));
      await showCard(p, many.runId);
      await p.getByTestId('time-slider').evaluate(
        (el: HTMLInputElement, v: number) => {
          el.value = String(v);
          el.dispatchEvent(new Event('input'));
        },
        Math.floor(many.sgd.pathSteps.length / 2),
      );
      await p.waitForFunction(
        (st) => document.querySelector('[data-testid="chart-surface"]')?.getAttribute('data-step') === String(st),
        many.sgd.pathSteps[Math.floor(many.sgd.pathSteps.length / 2)],
      );
      const where = p.getByTestId('surface-where');
      const text = (await where.textContent()) ?? '';
      check(
        (await where.getAttribute('data-snapshots')) === 'none' &&
          /not stored for this run: .*7,000 trials × d = 2 × 2 methods = 28,000 numbers.* at most 50,000 numbers .* up to 6,250 trials/.test(
            text,
          ),
        `3-D, 7000 trials: the card says why positions over time are not shown ("${text.slice(0, 160)}…")`,
      );
      await p.getByTestId('surface-card').screenshot({ path: join(outDir, `panel-3d-no-snapshots-${theme.replace('vscode-', '')}.png`) });
      check(errors.length === 0, `3-D no snapshots ${theme}: no console errors ${errors.join(' | ')}`);
      await p.close();
    }
  }

  // A 301 × 301 grid: drawn on 201 of its lines per axis (round(1.5·k)), the buffer still the grid's values.
  {
    const big = toViewResult(makeResult({ dim: 2, trials: 50, steps: 100, resolution: 301 }), 'run-surface-301');
    const { p, errors } = await openPanel(h, 'vscode-dark');
    await post(p, state(big));
    const d = await showCard(p, big.runId);
    const rows = JSON.parse(d.vertexSample ?? '[]') as number[][];
    const o = vertexOracle(big, big.landscape.f as number[][], 'auto', rows);
    const kept = new Set(Array.from({ length: 201 }, (_, k) => Math.round((k * 300) / 200)));
    check(
      d.grid === '301x301' && d.mesh === '201x201' && rows.every(([ix, iy]) => kept.has(ix!) && kept.has(iy!)) && o.ok,
      `3-D: a 301 × 301 grid thinned to ${d.mesh} (lines round(1.5·k)), vertices = grid values (worst ${o.worst.toExponential(1)})`,
    );
    check(errors.length === 0, `3-D 301 grid: no console errors ${errors.join(' | ')}`);
    await p.close();
  }

  // No WebGL (context creation forced to fail): the card says so, nothing is loaded, the 2-D charts draw.
  {
    const noGl = `(() => {
      const get = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        if (String(kind).startsWith('webgl') || kind === 'experimental-webgl') return null;
        return get.call(this, kind, ...rest);
      };
    })();`;
    const { p, errors, requests } = await openPanel(h, 'vscode-dark', noGl);
    await post(p, state(view));
    const d = await showCard(p, view.runId);
    check(
      d.state === 'no-webgl' && /No WebGL/.test(d.note ?? '') && d.drawn === 'false',
      `3-D without WebGL: the card says so ("${d.note?.slice(0, 60)}…")`,
    );
    check(!requests.some((u) => u.endsWith('surface3d.js')), '3-D without WebGL: three.js not loaded');
    const charts = await p.evaluate(
      (ids) => ids.map((id) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-drawn')),
      CHARTS_2D,
    );
    check(
      charts.every((x) => x === 'true'),
      `3-D without WebGL: the 2-D charts all drawn (${charts.join(',')})`,
    );
    check(errors.length === 0, `3-D without WebGL: no console errors ${errors.join(' | ')}`);
    await p.getByTestId('surface-card').screenshot({ path: join(outDir, 'panel-3d-no-webgl.png') });
    await p.close();
  }
}
