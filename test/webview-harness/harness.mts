/**
 * Headless-Chromium harness for the two webviews, outside VS Code: serves dist/webview and a
 * page that mimics VS Code's webview (same CSP as src/extension/webviewHtml.ts, a mocked
 * acquireVsCodeApi, theme variables on body classes), posts a result, waits for every chart's
 * data-drawn, records CSP violations and console errors, takes screenshots in light, dark and
 * high-contrast themes, and measures the render time of a 1000-trial × 5000-step result.
 *
 *   npm run build && node --import tsx test/webview-harness/harness.mts [outDir]
 *   RESULTS=a.json,b.json …   also render these RESULT.json files (from `sgd-landscape run --out`)
 *   ONLY=views | methods | compare | live | sidebar | surface | sweep | issue13   run just that part
 *
 * Needs /usr/bin/chromium and playwright-core (devDependency). Exit code 1 on any failed check.
 */
import { createServer } from 'node:http';
import { readFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, extname } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { ExperimentResult } from '../../src/engine/types';
import { webviewHtml } from '../../src/extension/webviewHtml';
import type { HostState, LiveView, ViewResult } from '../../src/protocol/webview';
import { liveMessage, toCompareView, toLiveView, toSideMessage, toViewResult } from '../../src/extension/viewModel';
import type { MethodResult } from '../../src/engine/types';
import { makeResult, type FixtureOptions } from '../fixtures/webview-result';
import { sweepHarness } from './sweep';
import { surfaceHarness } from './surface';
import { issue13Harness } from './issue13';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import type { RunConfigInput } from '../../src/engine/types';
import { METHOD_COLORS } from '../../webview/shared/palette';
import { himmelblau, himmelblauOptions } from '../../examples/himmelblau';
import { rosenbrock, rosenbrockOptions } from '../../examples/rosenbrock';

const repo = resolve(import.meta.dirname, '../..');

/** WCAG 2 contrast ratio of a #rrggbb colour against an [r, g, b] background (relative luminance, sRGB). */
function wcagContrast(hex: string, bg: readonly number[]): number {
  const lum = (c: readonly number[]) =>
    c
      .map((v) => v / 255)
      .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((s, v, i) => s + [0.2126, 0.7152, 0.0722][i]! * v, 0);
  const [a, b] = [lum([1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
const outDir = resolve(process.argv[2] ?? join(repo, 'test-artifacts/webview-harness'));
mkdirSync(outDir, { recursive: true });
const dist = join(repo, 'dist/webview');
if (!existsSync(join(dist, 'panel.js'))) throw new Error('dist/webview/panel.js missing: run npm run build first');

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const name = url.pathname.slice(1);
  if (name === 'favicon.ico') {
    // Chromium asks for it on its own; VS Code's webviews have no favicon either.
    res.writeHead(204).end();
    return;
  }
  if (name === 'panel.html' || name === 'sidebar.html' || name === 'sweep.html') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(name.replace('.html', '') as 'panel' | 'sidebar' | 'sweep', url.searchParams.get('theme') ?? 'vscode-dark'));
    return;
  }
  const file = name === 'theme.css' ? join(import.meta.dirname, 'theme.css') : join(dist, name.replace(/[^\w.-]/g, ''));
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

/**
 * The page VS Code would show: the exact HTML of src/extension/webviewHtml.ts (cspSource = this
 * origin), plus the harness's stand-ins for what VS Code adds: theme variables (a stylesheet)
 * and acquireVsCodeApi (a script carrying the page's nonce).
 */
function page(entry: 'panel' | 'sidebar' | 'sweep', themeClass: string): string {
  const fakeUri = (path: string): any => ({ path, with: (c: { path: string }) => fakeUri(c.path), toString: () => path });
  const webview = {
    cspSource: origin,
    asWebviewUri: (u: any) => ({ toString: () => `${origin}/${String(u.path).split('/').pop()}` }),
  } as any;
  const html = webviewHtml(webview, fakeUri('/ext'), entry, 'harness');
  const nonce = /nonce="([^"]+)"/.exec(html)![1]!;
  const mock = `<script nonce="${nonce}">
  window.__posted = []; window.__csp = []; let st;
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => st, setState: (s) => (st = s) });
</script>`;
  return html
    .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme.css">\n<link rel="stylesheet"`)
    .replace('<body>', `<body class="${themeClass}">\n${mock}`);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
// Speed is reported beside its target, never a failure: this runs inside `npm test` on shared,
// loaded machines (the team measures speed, it does not time tests).
const speed = (within: boolean, what: string) => console.log(`speed ${within ? 'within' : 'OVER'} target: ${what}`);

const CHARTS = [
  'chart-landscape',
  'chart-trajectories',
  'chart-finals',
  'chart-histogram',
  'chart-convexity',
  'chart-fig5-inner',
  'chart-fig5-probe',
  'chart-fig5-gradnorm',
];

async function open(
  entry: 'panel' | 'sidebar' | 'sweep',
  theme: string,
  width = 1200,
  height = 900,
): Promise<{ p: Page; errors: string[] }> {
  const p = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  p.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  p.on('pageerror', (e) => (errors.push(String(e)), console.log('pageerror', e)));
  await p.goto(`${origin}/${entry}.html?theme=${theme}`);
  await p.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
  return { p, errors };
}

async function post(p: Page, state: HostState): Promise<void> {
  await p.evaluate((s) => window.postMessage({ type: 'state', state: s }, '*'), state as any);
}

/** A state as the host posts it to the side panel: projected by `toSideMessage`, as sidebarView.ts does. */
async function postSide(p: Page, state: HostState): Promise<void> {
  const message = toSideMessage({ type: 'state', state });
  await p.evaluate((m) => window.postMessage(m, '*'), message as any);
}

async function drawn(
  p: Page,
  ids: string[],
): Promise<Record<string, { drawn: string | null; points: string | null; error: string | null }>> {
  await p
    .waitForFunction(
      (ids) => ids.every((id) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-drawn') === 'true'),
      ids,
      { timeout: 30_000 },
    )
    .catch(() => undefined);
  return p.evaluate(
    (ids) =>
      Object.fromEntries(
        ids.map((id) => {
          const c = document.querySelector(`[data-testid="${id}"]`)!;
          return [id, { drawn: c.getAttribute('data-drawn'), points: c.getAttribute('data-points'), error: c.getAttribute('data-error') }];
        }),
      ),
    ids,
  );
}

const controls: HostState['controls'] = {
  file: '/work/examples/spiky.ts',
  functions: [
    { name: 'spikyBowl', dim: 1, line: 3 },
    { name: 'rastrigin2', dim: 2, line: 12 },
  ],
  selected: 'spikyBowl',
  settings: {
    lr: 0.02,
    radius: 0.3,
    noise: 'uniform',
    steps: 400,
    trials: 100,
    seed: '7',
    stages: [{ lr: 0.02, radius: 0.3, noise: 'uniform', steps: 400 }],
  },
  trusted: true,
};

/**
 * What the landscape and trajectories charts must report as data-points for a result with the
 * panel's defaults (first g, 10 paths, the slider at the end), counted from the result: curve
 * points of f and g (1-D: every g; d > 2: every slice of f and of the first g), cells of f and of
 * the first g (2-D), and every stored point of the 10 paths shown per method. x*, path starts and
 * ends are marks, not data.
 */
function expectedPoints(view: ViewResult): Record<string, number> {
  const L = view.landscape;
  const cells = (v: number[] | number[][]) => (v as Array<number | number[]>).flat().filter(Number.isFinite).length;
  const g = view.config.dim === 1 ? L.smoothed : L.smoothed.slice(0, 1);
  const landscape = cells(L.f) + g.reduce((n, s) => n + cells(s.values), 0);
  // Every sampled path stores one point per entry of pathSteps.
  const paths = (m: { paths: number[][][]; pathSteps: number[] }) => Math.min(10, m.paths.length) * m.pathSteps.length;
  const trajectories = paths(view.sgd) + (view.gd ? paths(view.gd) : 0);
  return { 'chart-landscape': landscape, 'chart-trajectories': trajectories };
}

/**
 * What the 2-D c(y) map must report, worked out from the result: the segments of its c = 0 line
 * (each cell whose four corners are finite holds one segment per two of its edges along which c
 * changes sign, > 0 against ≤ 0) and its colour scale, each side of 0 the 98% nearest-rank quantile
 * of |c| over that side's values.
 */
function expectedCMap(view: ViewResult): { segments: number; negative: number; positive: number } {
  const grid = view.diagnostics.convexity[0]!.values as number[][];
  let crossings = 0;
  for (let iy = 0; iy + 1 < grid.length; iy++)
    for (let ix = 0; ix + 1 < grid[iy]!.length; ix++) {
      const corners = [grid[iy]![ix]!, grid[iy]![ix + 1]!, grid[iy + 1]![ix + 1]!, grid[iy + 1]![ix]!];
      if (!corners.every(Number.isFinite)) continue;
      for (let k = 0; k < 4; k++) if (corners[k]! > 0 !== corners[(k + 1) % 4]! > 0) crossings++;
    }
  const side = (keep: (v: number) => boolean) => {
    const a = grid
      .flat()
      .filter((v) => Number.isFinite(v) && keep(v))
      .map(Math.abs)
      .sort((u, v) => u - v);
    return a[Math.ceil(0.98 * (a.length - 1))]!;
  };
  return { segments: crossings / 2, negative: side((v) => v < 0), positive: side((v) => v > 0) };
}

/**
 * The colour scale `auto` must pick for a map, worked out here: log when the lower tenth of the
 * values (10% quantile above the least value) lies within 1% of the range up to the 98% quantile.
 */
function expectedAutoScale(values: number[] | number[][]): 'log' | 'linear' {
  const a = (values as number[][])
    .flat()
    .filter(Number.isFinite)
    .sort((u, v) => u - v);
  const min = a[0]!;
  const top = a[Math.ceil(0.98 * (a.length - 1))]! - min;
  const tenth = a[Math.round(0.1 * (a.length - 1))]! - min;
  return top > 0 && tenth < top / 100 ? 'log' : 'linear';
}

/**
 * The contour segments the landscape must draw on a map of f or g, worked out here: 8 levels
 * evenly spaced in colour on the scale `auto` picks (linear: min + k/9 of the way to the 98%
 * quantile; log: min + δ((1 + U/δ)^(k/9) − 1) with U that span and δ = U/10⁴), and per level one
 * segment per two cell edges along which the map crosses it (> level against ≤ level).
 */
/** The one scale `auto` must pick for all of a run's f and g maps: log when any of them would take log alone. */
function expectedSharedScale(maps: Array<number[] | number[][]>): 'log' | 'linear' {
  return maps.some((m) => expectedAutoScale(m) === 'log') ? 'log' : 'linear';
}

function expectedContours(values: number[] | number[][], kind: 'log' | 'linear'): number {
  const grid = values as number[][];
  const a = grid
    .flat()
    .filter(Number.isFinite)
    .sort((u, v) => u - v);
  const min = a[0]!;
  const U = a[Math.ceil(0.98 * (a.length - 1))]! - min;
  const delta = U / 1e4;
  const log = kind === 'log';
  let segments = 0;
  for (let k = 1; k <= 8; k++) {
    const level = log ? min + delta * Math.expm1((k / 9) * Math.log1p(U / delta)) : min + (U * k) / 9;
    let crossings = 0;
    for (let iy = 0; iy + 1 < grid.length; iy++)
      for (let ix = 0; ix + 1 < grid[iy]!.length; ix++) {
        const c = [grid[iy]![ix]!, grid[iy]![ix + 1]!, grid[iy + 1]![ix + 1]!, grid[iy + 1]![ix]!];
        if (!c.every(Number.isFinite)) continue;
        for (let j = 0; j < 4; j++) if (c[j]! > level !== c[(j + 1) % 4]! > level) crossings++;
      }
    segments += crossings / 2;
  }
  return segments;
}

/** The plots a 2-D canvas drew (data-plot-area: "left,top,width,height" per plot, ";" between). */
async function plotAreas(p: Page, id: string): Promise<number[][]> {
  const a = (await p.getByTestId(id).getAttribute('data-plot-area')) ?? '';
  return a ? a.split(';').map((q) => q.split(',').map(Number)) : [];
}

const cases: Array<[string, FixtureOptions]> = [
  ['1d', { dim: 1, trials: 100, steps: 400 }],
  [
    '1d-stages',
    {
      dim: 1,
      trials: 100,
      steps: 300,
      stages: [
        { lr: 0.02, radius: 0.3, noise: 'cube', init: { low: [-3], high: [3] } },
        { lr: 0.02, radius: 0.15, noise: 'cube', init: { low: [-1.5], high: [1.5] } },
        { lr: 0.02, radius: 0.05, noise: 'cube', init: { low: [-0.5], high: [0.5] } },
        { lr: 0.02, radius: 0.01, noise: 'cube', init: { low: [-0.3], high: [0.3] } },
      ],
    },
  ],
  ['2d', { dim: 2, trials: 200, steps: 300 }],
  ['5d', { dim: 5, trials: 100, steps: 300 }],
  // A minibatch run's plane (issue 14): C's eigenvector plane, g under N(0, η²C) and N(0, σ²I), the model trials' finals.
  ['5d-minibatch', { dim: 5, trials: 100, steps: 300, noiseModels: true }],
  ['2d-sgd-only', { dim: 2, trials: 50, steps: 100 }],
];

/** The charts' own views (ONLY=views): every case below except speed, live, methods, compare, side panel and sweep. */
const views = !process.env.ONLY || process.env.ONLY === 'views';

for (const [name, opts] of views ? cases : []) {
  const result = makeResult(opts);
  if (name.endsWith('sgd-only')) {
    // compareGd: false — no GD beside SGD.
    delete result.gd;
    result.config.compareGd = false;
    result.config.methods = result.config.methods.slice(0, 1);
    result.methods = result.methods.slice(0, 1);
    result.diagnostics.methods = result.diagnostics.methods.slice(0, 1);
    delete result.diagnostics.histogram.gd2d;
    result.diagnostics.histogram.methods = result.diagnostics.histogram.methods?.slice(0, 1);
  }
  const view = toViewResult(result, `run-${name}`);
  for (const theme of ['1d', '2d', '1d-stages'].includes(name)
    ? ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']
    : name === '5d-minibatch'
      ? ['vscode-dark', 'vscode-light']
      : ['vscode-dark']) {
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: view });
    const d = await drawn(p, CHARTS);
    for (const id of CHARTS)
      check(
        d[id]!.drawn === 'true' && Number(d[id]!.points) > 0,
        `${name} ${theme} ${id} drawn (${d[id]!.points} points${d[id]!.error ? `, error ${d[id]!.error}` : ''})`,
      );
    if (theme === 'vscode-dark') {
      // data-points counts what the chart drew, here worked out from the result alone.
      const want = expectedPoints(view);
      for (const [id, n] of Object.entries(want))
        check(Number(d[id]!.points) === n, `${name} ${id}: data-points ${d[id]!.points} = ${n} (what is drawn)`);
      if (view.config.dim === 2) {
        const L = view.landscape;
        const scales = await p.getByTestId('chart-landscape').getAttribute('data-color-scale');
        const kind = expectedSharedScale([L.f, ...L.smoothed.map((s) => s.values)]);
        const wantScales = `${kind},${kind}`;
        check(scales === wantScales, `${name} f and g maps on the one scale auto picks for the run: ${scales} = ${wantScales}`);
        // Contours on f and g: as many segments as the levels cross cell edges.
        const contours = await p.getByTestId('chart-landscape').getAttribute('data-contour-segments');
        const wantContours = `${expectedContours(L.f, kind)},${expectedContours(L.smoothed[0]!.values, kind)}`;
        check(
          contours === wantContours && !contours.startsWith('0'),
          `${name} contours on f and g: ${contours} segments = ${wantContours}`,
        );
        // The paths take the panel's width (up to a height of 760 px): the plot is over half the canvas's width.
        const [traj] = await plotAreas(p, 'chart-trajectories');
        const width = (await p.getByTestId('chart-trajectories').boundingBox())!.width;
        check(
          !!traj && traj[2]! >= 0.55 * width,
          `${name} paths plot ${traj?.[2]} px wide of ${width} (≥ 55%; the height is capped at 760 px)`,
        );
        // The c(y) map: the c = 0 line drawn in full, each side of 0 on its own colour scale.
        const c = expectedCMap(view);
        const [segments, scale] = await p
          .getByTestId('chart-convexity')
          .evaluate((el) => [el.getAttribute('data-contour-segments'), el.getAttribute('data-color-scale')]);
        check(c.segments > 0 && Number(segments) === c.segments, `${name} c = 0 line: ${segments} segments drawn = ${c.segments}`);
        check(
          scale === `${-c.negative},${c.positive}`,
          `${name} c-map colour scale ${scale} = each side's own 98% quantile (${-c.negative}, ${c.positive})`,
        );
      }
    }
    if (view.config.dim > 2 && theme === 'vscode-dark') {
      // The plane through x* (issue 14): f and each g with the projected paths and finals, c(y) per g, and its words.
      const plane = view.diagnostics.plane!;
      const pd = await drawn(p, ['chart-plane-g', 'chart-plane-c']);
      const cells = (g: number[][]) => g.flat().filter(Number.isFinite).length;
      const finals = plane.finals.filter((q) => q.every(Number.isFinite)).length;
      // The model trials' finals: on g under N(0, η²C(x*)) the anisotropic model's, on g under N(0, σ²I) the isotropic one's.
      const finite = (q: number[][] | undefined) => (q ?? []).filter((x) => x.every(Number.isFinite)).length;
      const modelFinals = plane.smoothed.reduce(
        (n, s) =>
          n +
          (s.kind === 'measured'
            ? finite(plane.modelFinals?.anisotropic)
            : s.kind === 'isotropic'
              ? finite(plane.modelFinals?.isotropic)
              : 0),
        0,
      );
      const wantG =
        cells(plane.f) + plane.smoothed.reduce((n, s) => n + cells(s.values), 0) + finals * (1 + plane.smoothed.length) + modelFinals;
      const wantC = plane.smoothed.reduce((n, s) => n + cells(s.convexity), 0);
      check(
        !(await p.getByTestId('plane-card').isHidden()) && Number(pd['chart-plane-g']!.points) === wantG,
        `${name} plane card: f and ${plane.smoothed.length} g maps with the projected finals, ${pd['chart-plane-g']!.points} points = ${wantG}`,
      );
      check(Number(pd['chart-plane-c']!.points) === wantC, `${name} plane c(y) maps: ${pd['chart-plane-c']!.points} cells = ${wantC}`);
      const words = await p.getByTestId('plane-text').textContent();
      check(
        !!words &&
          words.includes(plane.modelFinals ? 'top two eigenvectors u, v of the gradient-noise covariance' : 'filter-normalised') &&
          words.includes('Plane through x*') &&
          words.includes('The finals of the model trials') === !!plane.modelFinals,
        `${name} plane text: ${words?.slice(0, 120)}…`,
      );
      if (plane.modelFinals) {
        check(
          modelFinals === 200 && finite(plane.modelFinals.anisotropic) === 100,
          `${name}: the model trials' finals drawn on their g maps (${modelFinals} = 2 × 100)`,
        );
      }
    } else if (theme === 'vscode-dark') {
      check(await p.getByTestId('plane-card').isHidden(), `${name}: no plane card for d ≤ 2`);
    }
    const summary = await p.getByTestId('summary').textContent();
    check(!!summary && /SGD \d+ \/ \d+/.test(summary), `${name} summary: ${summary?.slice(0, 90)}…`);
    const emptyNotes = await p.evaluate(() =>
      [...document.querySelectorAll('[data-testid^="empty-chart-"]')]
        .filter((e) => !(e as HTMLElement).hidden)
        .map((e) => e.getAttribute('data-testid')),
    );
    check(emptyNotes.length === 0, `${name} ${theme}: no chart says it is empty (${emptyNotes.join(', ')})`);
    const csp = await p.evaluate(() => (window as any).__csp as string[]);
    check(csp.length === 0, `${name} ${theme} no CSP violations ${csp.join(', ')}`);
    check(errors.length === 0, `${name} ${theme} no console errors ${errors.join(' | ')}`);
    await p.screenshot({ path: join(outDir, `panel-${name}-${theme.replace('vscode-', '')}.png`), fullPage: true });
    if (name === '5d-minibatch')
      await p.getByTestId('plane-card').screenshot({ path: join(outDir, `plane-card-minibatch-${theme.replace('vscode-', '')}.png`) });
    if (name === '1d-stages') {
      // Where the trials are after stage 1 of 4 (the paper's Figure 3, row 3, stage by stage).
      await p.getByTestId('finals-stage').evaluate((el: HTMLElement & { value: string }) => {
        el.value = '0';
        el.dispatchEvent(new Event('change'));
      });
      const fin = await drawn(p, ['chart-finals', 'chart-histogram']);
      const label = await p
        .getByTestId('chart-histogram')
        .evaluate(() => document.querySelector('[data-testid="finals-stage"]')?.getAttribute('data-testid'));
      check(
        fin['chart-finals']!.points === String(2 * view.config.trials) && fin['chart-histogram']!.drawn === 'true',
        `stage 1 finals drawn (${fin['chart-finals']!.points} points, ${label})`,
      );
      await p.getByTestId('chart-finals').scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(outDir, `panel-${name}-after-stage1.png`) });
    }
    if (name === '1d') {
      // Another run opens at its end, wherever the slider was for the last one (every theme: the
      // screenshot shows the slider, its label and the paths drawn to the end).
      await p.getByTestId('time-slider').fill('10');
      const moved = await p.getByTestId('time-label').textContent();
      check(/^step \d+ \/ 400$/.test(moved ?? '') && !moved!.startsWith('step 400'), `${theme}: time slider moves (${moved})`);
      await post(p, { status: { kind: 'idle' }, runs: [], current: { ...view, runId: `${view.runId}-next` } });
      await p
        .waitForFunction(
          () => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-run')?.endsWith('-next'),
          undefined,
          {
            timeout: 10_000,
          },
        )
        .catch(() => undefined);
      const nextLabel = await p.getByTestId('time-label').textContent();
      const nextSlider = await p.getByTestId('time-slider').evaluate((el: HTMLInputElement) => [el.value, el.max]);
      check(
        nextLabel === 'step 400 / 400' && nextSlider[0] === nextSlider[1],
        `${theme}: the next run opens at its end (${nextLabel}, slider ${nextSlider.join(' of ')}), not where the slider was (${moved})`,
      );
      await p.getByTestId('chart-trajectories').scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(outDir, `panel-1d-next-run-at-end-${theme.replace('vscode-', '')}.png`) });
    }
    if (name === '1d' && theme === 'vscode-dark') {
      // Theme switch re-renders with the new colours.
      const before = await p.getByTestId('chart-landscape').evaluate((c: HTMLCanvasElement) => c.toDataURL());
      await p.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
      await p.waitForFunction(() => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-theme') === 'light');
      const after = await p.getByTestId('chart-landscape').evaluate((c: HTMLCanvasElement) => c.toDataURL());
      check(before !== after, 'theme change redraws the charts');
      // Negative control: the policy is really in force (an inline <style> is refused).
      const refused = await p.evaluate(async () => {
        const st = document.createElement('style');
        st.textContent = 'body { outline: 1px solid red; }';
        document.head.append(st);
        await new Promise((r) => setTimeout(r, 50));
        const n = (window as any).__csp.length;
        st.remove();
        (window as any).__csp.length = 0;
        return n;
      });
      check(refused > 0, 'CSP in force: an inline <style> is refused');
      // A state that leaves the run out (keepCurrent) keeps what is on screen.
      const runKey = await p.getByTestId('panel-root').getAttribute('data-run');
      await p.evaluate(() => window.postMessage({ type: 'state', state: { status: { kind: 'idle' }, runs: [] }, keepCurrent: true }, '*'));
      await p.waitForTimeout(50);
      check(
        (await p.getByTestId('panel-root').getAttribute('data-run')) === runKey && !!(await p.getByTestId('summary').textContent()),
        'keepCurrent state keeps the run on screen',
      );
      // Error banner keeps the results.
      await post(p, {
        status: { kind: 'error', message: 'f returned NaN at x = [0.5]', file: '/work/examples/spiky.ts', line: 4 },
        runs: [],
        current: view,
      });
      check(await p.getByTestId('error').isVisible(), 'error banner visible');
      check((await p.getByTestId('chart-landscape').getAttribute('data-drawn')) === 'true', 'charts stay drawn under the error banner');
      await p.screenshot({ path: join(outDir, 'panel-1d-error.png') });
      // Pick "5 paths" in the dropdown the way a user does (its list lives in the shadow DOM).
      await p.getByTestId('paths-shown').click();
      await p.getByTestId('paths-shown').locator('li.option', { hasText: '5 paths' }).click();
      await p.waitForFunction(() => document.querySelector('[data-testid="chart-trajectories"]')?.getAttribute('data-points') !== null);
      const shownPaths = await p.getByTestId('paths-shown').evaluate((el: HTMLElement & { value: string }) => el.value);
      check(shownPaths === '5', `dropdown pick reaches the panel (value ${shownPaths})`);
      const cspAfter = await p.evaluate(() => (window as any).__csp as string[]);
      check(cspAfter.length === 0, `open dropdown: no CSP violations ${cspAfter.join(', ')}`);
      // Time slider and PNG export.
      await p.getByTestId('time-slider').fill('10');
      const label = await p.getByTestId('time-label').textContent();
      check(/^step \d+ \/ 400$/.test(label ?? '') && !label!.startsWith('step 400'), `time slider moves (${label})`);
      await p.getByTestId('png-chart-finals').click();
      const posted = await p.evaluate(() =>
        (window as any).__posted
          .filter((m: any) => m.type === 'exportPng')
          .map((m: any) => ({ name: m.name, head: m.dataUrl.slice(0, 22), len: m.dataUrl.length })),
      );
      check(
        posted.length === 1 && posted[0].head === 'data:image/png;base64,' && posted[0].name === 'spikyBowl-finals',
        `PNG export posted ${JSON.stringify(posted)}`,
      );
      await p.getByTestId('export-csv').click();
      check(
        await p.evaluate(() => (window as any).__posted.some((m: any) => m.type === 'exportRun' && m.format === 'csv')),
        'CSV export posted',
      );
    }
    await p.close();
  }
}

// Render time of a 1000-trial × 5000-step result (from receiving the message to all charts drawn).
if (!process.env.ONLY) {
  const big = toViewResult(
    makeResult({ dim: 1, trials: 1000, steps: 5000, checkpoints: 100, trajectoryPoints: 200, sampleTrajectories: 20 }),
    'run-big-1d',
  );
  const big2 = toViewResult(
    makeResult({ dim: 2, trials: 1000, steps: 5000, checkpoints: 100, trajectoryPoints: 200, sampleTrajectories: 20, resolution: 201 }),
    'run-big-2d',
  );
  const report: string[] = [];
  for (const [name, view] of [
    ['1-D', big],
    ['2-D (201×201 grid)', big2],
  ] as const) {
    const bytes = JSON.stringify(view).length;
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { p } = await open('panel', 'vscode-dark');
      await post(p, { status: { kind: 'idle' }, runs: [], current: view });
      await drawn(p, CHARTS);
      times.push(Number(await p.getByTestId('panel-root').getAttribute('data-render-ms')));
      if (i === 0) {
        await p.screenshot({ path: join(outDir, `panel-big-${name.slice(0, 3)}.png`), fullPage: true });
        // Time slider: ms per redraw of the trajectories (what one animation frame costs).
        const perFrame = await p.getByTestId('time-slider').evaluate((el: HTMLInputElement) => {
          const t0 = performance.now();
          for (let k = 0; k < 20; k++) {
            el.value = String(k * 5);
            el.dispatchEvent(new Event('input'));
          }
          return (performance.now() - t0) / 20;
        });
        console.log(`${name}: time slider redraw ${perFrame.toFixed(1)} ms per step`);
        speed(perFrame < 50, `${name}: slider redraw under 50 ms (${perFrame.toFixed(1)})`);
      }
      await p.close();
    }
    const line = `${name} 1000 trials × 5000 steps: message ${(bytes / 1e6).toFixed(2)} MB JSON; render ${times.map((t) => t.toFixed(0)).join(', ')} ms`;
    report.push(line);
    console.log(line);
    check(
      times.every((t) => t > 0),
      `${name} render times recorded`,
    );
    speed(
      times.every((t) => t < 2000),
      `${name} renders in under 2 s`,
    );
  }
  writeFileSync(join(outDir, 'render-times.txt'), report.join('\n') + '\n');
}

// A narrow panel (editor split in two on a laptop): 2-D f and g stack instead of shrinking.
if (views) {
  const view = toViewResult(makeResult({ dim: 2, trials: 100, steps: 200 }), 'run-narrow-2d');
  const { p, errors } = await open('panel', 'vscode-dark', 560, 900);
  // A 1-D run first: its Chart.js charts must give their canvases up to the 2-D canvas layer.
  await post(p, {
    status: { kind: 'idle' },
    runs: [],
    current: toViewResult(makeResult({ dim: 1, trials: 20, steps: 100 }), 'run-narrow-1d'),
  });
  await drawn(p, CHARTS);
  await post(p, { status: { kind: 'idle' }, runs: [], current: view });
  const d = await drawn(p, CHARTS);
  check(
    CHARTS.every((id) => d[id]!.drawn === 'true'),
    'narrow panel: all charts drawn',
  );
  const box = await p.getByTestId('chart-landscape').boundingBox();
  check(!!box && box.height > box.width, `narrow panel: f and g stacked (${box?.width}×${box?.height})`);
  const before = await p.getByTestId('chart-landscape').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  await p.setViewportSize({ width: 580, height: 900 });
  await p.waitForTimeout(500);
  const after = await p.getByTestId('chart-landscape').evaluate((c: HTMLCanvasElement) => [c.toDataURL(), c.dataset.drawn]);
  check(after[1] === 'true' && after[0] !== before, 'narrow panel: resize redraws the 2-D landscape');
  const pxOk = await p.getByTestId('chart-landscape').evaluate((c: HTMLCanvasElement) => {
    // The centre of the first plot is heatmap, not background.
    const d = c.getContext('2d')!.getImageData(Math.round(c.width / 2), Math.round(c.height / 4), 1, 1).data;
    return !(d[0] === 0x1f && d[1] === 0x1f && d[2] === 0x1f);
  });
  check(pxOk, 'narrow panel: after 1-D → 2-D and a resize the heatmap is still there');
  check(errors.length === 0, `narrow panel: no console errors ${errors.join(' | ')}`);
  await p.screenshot({ path: join(outDir, 'panel-2d-narrow.png'), fullPage: true });
  await p.close();
}

// A c(y) map whose positive side reaches 1000 times further than its negative side (Rosenbrock:
// c from −19 to +2000): the negative side keeps its own scale, so c ≤ 0 still shows its colour.
if (views) {
  const result = makeResult({ dim: 2, trials: 50, steps: 100 });
  const base = toViewResult(result, 'run-cmap-base');
  const before = expectedCMap(base);
  for (const m of result.diagnostics.convexity) m.values = (m.values as number[][]).map((row) => row.map((v) => (v > 0 ? v * 1000 : v)));
  const view = toViewResult(result, 'run-cmap-skewed');
  const { p, errors } = await open('panel', 'vscode-dark');
  await post(p, { status: { kind: 'idle' }, runs: [], current: view });
  await drawn(p, ['chart-convexity']);
  const scale = await p.getByTestId('chart-convexity').getAttribute('data-color-scale');
  check(
    scale === `${-before.negative},${before.positive * 1000}`,
    `skewed c-map: negative side keeps its scale (${scale}; c ≤ 0 scale ${-before.negative} as before, c > 0 ×1000)`,
  );
  check(errors.length === 0, `skewed c-map: no console errors ${errors.join(' | ')}`);
  await p.getByTestId('chart-convexity').screenshot({ path: join(outDir, 'panel-2d-cmap-skewed.png') });
  await p.close();
}

// Rosenbrock (0 … 10⁴ on [−2, 2]², the minimum in a narrow curved valley): auto picks a log
// scale for f and g so the valley shows; the colour-scale control switches f, g and the maps
// under the paths and the finals to linear.
if (views) {
  const result = makeResult({ dim: 2, trials: 50, steps: 100 });
  const L = result.landscape;
  const rosen = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  const xs = L.x.map((v) => (v * 2) / 3);
  L.x = xs;
  L.y = xs;
  L.f = xs.map((y) => xs.map((x) => rosen(x, y)));
  for (const s of L.smoothed) s.values = xs.map((y) => xs.map((x) => rosen(x, y) + 200 * s.radius ** 2));
  const view = toViewResult(result, 'run-rosenbrock');
  // In every theme: the switch's three pictures (the scale's colours over the theme's background).
  for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
    const t = theme.replace('vscode-', '');
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: view });
    await drawn(p, CHARTS);
    // The card, with its colour-scale control showing the choice.
    const landscapeCard = p.locator('section.card', { has: p.getByTestId('chart-landscape') });
    const want = `${expectedSharedScale([L.f, ...L.smoothed.map((s) => s.values)])},${expectedSharedScale([L.f, ...L.smoothed.map((s) => s.values)])}`;
    const auto = await p.getByTestId('chart-landscape').getAttribute('data-color-scale');
    check(want === 'log,log' && auto === want, `Rosenbrock ${t}: f and g maps on a log scale (${auto}; expected ${want})`);
    const autoLabel = await p
      .getByTestId('color-scale')
      .evaluate((el: HTMLElement & { value: string }) => [el.value, el.querySelector('vscode-option')?.textContent ?? '']);
    check(autoLabel[0] === 'auto' && /auto \(log\)/.test(autoLabel[1]!), `Rosenbrock ${t}: the control says ${JSON.stringify(autoLabel)}`);
    await landscapeCard.screenshot({ path: join(outDir, `panel-2d-rosenbrock-log-${t}.png`) });
    const before = await p.getByTestId('chart-trajectories').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await p.getByTestId('color-scale').evaluate((el: HTMLElement & { value: string }) => {
      el.value = 'linear';
      el.dispatchEvent(new Event('change'));
    });
    await p
      .waitForFunction(
        () => document.querySelector('[data-testid="chart-landscape"]')?.getAttribute('data-color-scale') === 'linear,linear',
        undefined,
        {
          timeout: 10_000,
        },
      )
      .catch(() => undefined);
    const linear = await p.getByTestId('chart-landscape').getAttribute('data-color-scale');
    check(linear === 'linear,linear', `Rosenbrock ${t}: the control switches f and g to linear (${linear})`);
    const after = await p.getByTestId('chart-trajectories').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    check(before !== after, `Rosenbrock ${t}: linear colours redraw the map under the paths too`);
    await landscapeCard.screenshot({ path: join(outDir, `panel-2d-rosenbrock-linear-${t}.png`) });
    // Rank: every colour covers as many cells, so the valley and the slopes both show.
    await p.getByTestId('color-scale').evaluate((el: HTMLElement & { value: string }) => {
      el.value = 'rank';
      el.dispatchEvent(new Event('change'));
    });
    await p
      .waitForFunction(
        () => document.querySelector('[data-testid="chart-landscape"]')?.getAttribute('data-color-scale') === 'rank,rank',
        undefined,
        {
          timeout: 10_000,
        },
      )
      .catch(() => undefined);
    const rank = await p.getByTestId('chart-landscape').getAttribute('data-color-scale');
    check(rank === 'rank,rank', `Rosenbrock ${t}: the control switches f and g to rank (${rank})`);
    await landscapeCard.screenshot({ path: join(outDir, `panel-2d-rosenbrock-rank-${t}.png`) });
    check(errors.length === 0, `Rosenbrock ${t}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }
}

// Charts with nothing to show say why: a run whose trials all diverged (finals, histogram and
// Figure 5 empty), and a run without noise (no g, so no c(y)).
if (views) {
  const result = makeResult({ dim: 1, trials: 100, steps: 200 });
  for (const m of [result.sgd, result.gd!, ...result.methods]) {
    m.divergedMask = m.divergedMask.map(() => true);
    m.diverged = m.divergedMask.length;
  }
  result.diverged = result.sgd.diverged;
  const hist = result.diagnostics.histogram;
  hist.sgd = hist.sgd.map(() => 0);
  hist.gd = hist.gd.map(() => 0);
  for (const m of hist.methods ?? []) m.counts = m.counts.map(() => 0);
  const tr = result.diagnostics.trajectory;
  for (const k of ['innerMin', 'innerMean', 'probeMean', 'probeMin', 'probeMax', 'gradNormMean', 'gradNormMin', 'gradNormMax'] as const)
    tr[k] = tr[k].map(() => NaN);
  for (const k of ['probeAtWMean', 'probeAtWMin', 'probeAtWMax'] as const) tr[k] = tr[k]?.map(() => NaN);
  result.diagnostics.convexity = [];
  const view = toViewResult(result, 'run-all-diverged');
  for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast']) {
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: view });
    await drawn(p, CHARTS);
    const notes = await p.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid^="empty-chart-"]')].map((e) => [
          e.getAttribute('data-testid')!.replace('empty-', ''),
          (e as HTMLElement).hidden ? null : e.textContent,
        ]),
      ),
    );
    const diverged = /^All 100 SGD and all 100 GD trials diverged/;
    for (const id of ['chart-finals', 'chart-histogram'])
      check(
        diverged.test(notes[id] ?? '') && /smaller learning rate/.test(notes[id]!),
        `all diverged ${theme}: ${id} says why (${notes[id]})`,
      );
    for (const id of ['chart-fig5-inner', 'chart-fig5-probe', 'chart-fig5-gradnorm'])
      check(diverged.test(notes[id] ?? ''), `all diverged: ${id} says why (${notes[id]})`);
    check(
      /no stage of this run adds noise/.test(notes['chart-convexity'] ?? ''),
      `no noise: chart-convexity says why (${notes['chart-convexity']})`,
    );
    check(
      notes['chart-landscape'] === null && notes['chart-trajectories'] === null,
      'all diverged: landscape and paths (which have data) say nothing',
    );
    const attr = await p.getByTestId('chart-histogram').getAttribute('data-empty');
    check(attr === notes['chart-histogram'], 'all diverged: data-empty carries the same words');
    check(errors.length === 0, `all diverged: no console errors ${errors.join(' | ')}`);
    await p.screenshot({ path: join(outDir, `panel-1d-all-diverged-${theme.replace('vscode-', '')}.png`), fullPage: true });
    if (theme !== 'vscode-dark') {
      await p.close();
      continue;
    }
    // The next run with data hides the notes again.
    await post(p, {
      status: { kind: 'idle' },
      runs: [],
      current: toViewResult(makeResult({ dim: 1, trials: 20, steps: 100 }), 'run-after-diverged'),
    });
    await p
      .waitForFunction(
        () => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-run') === 'run-after-diverged',
        undefined,
        {
          timeout: 10_000,
        },
      )
      .catch(() => undefined);
    const left = await p.evaluate(
      () => [...document.querySelectorAll('[data-testid^="empty-chart-"]')].filter((e) => !(e as HTMLElement).hidden).length,
    );
    check(left === 0, `a run with data hides the empty notes (${left} left)`);
    await p.close();
  }
}

// Issue 13 on the examples the project ships (examples/rosenbrock.ts, examples/himmelblau.ts), run
// by the engine with their own defaults: every chart drawn in light, dark and high contrast, the
// contours counted, and (dark) zoom and pan: f, g, paths, finals and density show one window.
if (views) {
  const examples = [
    { name: 'rosenbrock', loss: (q: Float64Array) => rosenbrock(q[0]!, q[1]!), options: rosenbrockOptions },
    { name: 'himmelblau', loss: (q: Float64Array) => himmelblau(q[0]!, q[1]!), options: himmelblauOptions },
  ];
  for (const ex of examples) {
    const { gradient: _gradient, ...options } = ex.options;
    const config = resolveConfig({ function: ex.name, trials: 100, seed: 'issue13', resolution: 81 } as RunConfigInput, {
      dim: 2,
      options,
    });
    const result = runExperiment(ex.loss, undefined, config);
    const view = toViewResult(result, `run-example-${ex.name}`);
    const kept = result.sgd.finals.filter(
      (y, t) => !result.sgd.divergedMask[t] && y.every((v, j) => v >= config.domain.low[j]! && v <= config.domain.high[j]!),
    );
    for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast']) {
      const { p, errors } = await open('panel', theme);
      await post(p, { status: { kind: 'idle' }, runs: [], current: view });
      const d = await drawn(p, CHARTS);
      check(
        CHARTS.every((id) => d[id]!.drawn === 'true'),
        `${ex.name} ${theme}: every chart drawn (${CHARTS.map((id) => d[id]!.error ?? '').join('')})`,
      );
      check(
        Number(d['chart-histogram']!.points) === kept.length,
        `${ex.name} ${theme}: density of the ${kept.length} SGD finals inside the domain (${d['chart-histogram']!.points})`,
      );
      // One colour-scale kind for f and every g of the run (what each map alone would take, for the record).
      const L = result.landscape;
      const kind = expectedSharedScale([L.f, ...L.smoothed.map((s) => s.values)]);
      const scales = await p.getByTestId('chart-landscape').getAttribute('data-color-scale');
      check(
        scales === `${kind},${kind}`,
        `${ex.name} ${theme}: f and g on one scale, ${scales} = ${kind},${kind} (alone: f ${expectedAutoScale(L.f)}, g ${L.smoothed.map((s) => expectedAutoScale(s.values)).join(', ')})`,
      );
      const contours = await p.getByTestId('chart-landscape').getAttribute('data-contour-segments');
      const want = `${expectedContours(L.f, kind)},${expectedContours(L.smoothed[0]!.values, kind)}`;
      check(contours === want, `${ex.name} ${theme}: contours on f and g ${contours} = ${want}`);
      // The c(y) map: centred at 0, each side on its own scale, the c = 0 line drawn.
      const cm = expectedCMap(view);
      const [cSegments, cScale] = await p
        .getByTestId('chart-convexity')
        .evaluate((el) => [el.getAttribute('data-contour-segments'), el.getAttribute('data-color-scale')]);
      check(
        Number(cSegments) === cm.segments && cScale === `${-cm.negative},${cm.positive}`,
        `${ex.name} ${theme}: c-map c = 0 line ${cSegments} segments = ${cm.segments}, scale ${cScale} = each side's 98% quantile (${-cm.negative}, ${cm.positive})`,
      );
      const t = theme.replace('vscode-', '');
      await p.screenshot({ path: join(outDir, `panel-example-${ex.name}-${t}.png`), fullPage: true });
      if (ex.name === 'himmelblau' && theme === 'vscode-dark') {
        // The density's kernel on clusters: SGD's finals sit in four clusters, GD's on the four
        // exact minima. Scott's rule on the whole sample (written out here) measures the distance
        // between the minima; the drawn kernel must be far narrower — for GD one grid cell (the
        // chart's 96 columns over the domain), so four sharp spots, not one blob.
        const scott = (pts: number[][], j: number) => {
          const v = pts.map((q) => q[j]!).sort((a, b) => a - b);
          const mean = v.reduce((a, b) => a + b, 0) / v.length;
          const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
          const q = (r: number) => v[Math.round(r * (v.length - 1))]!;
          return Math.min(sd, (q(0.75) - q(0.25)) / 1.349) * Math.pow(v.length, -1 / 6);
        };
        const bandwidth = async () =>
          ((await p.getByTestId('chart-histogram').getAttribute('data-bandwidth')) ?? '').split(',').map(Number);
        const hSgd = await bandwidth();
        const sgdScott = [0, 1].map((j) => scott(kept, j));
        check(
          hSgd.length === 2 && hSgd.every((h, j) => h > 0 && h < 0.5 * sgdScott[j]!),
          `himmelblau: SGD density kernel ${hSgd.map((h) => h.toFixed(3)).join(' × ')} below half of Scott's ${sgdScott.map((h) => h.toFixed(3)).join(' × ')} (four clusters)`,
        );
        await p.getByTestId('finals-pair').screenshot({ path: join(outDir, 'panel-example-himmelblau-sgd-density.png') });
        const gdIndex = result.methods.findIndex((m) => m.role === 'gd');
        const gd = result.methods[gdIndex]!;
        const gdKept = gd.finals.filter(
          (y, t) => !gd.divergedMask[t] && y.every((v, j) => v >= config.domain.low[j]! && v <= config.domain.high[j]!),
        );
        await p.getByTestId('density-method').evaluate((el: HTMLElement & { value: string }, v: string) => {
          el.value = v;
          el.dispatchEvent(new Event('change'));
        }, String(gdIndex));
        await p.waitForFunction(
          (want) => document.querySelector('[data-testid="chart-histogram"]')?.getAttribute('data-points') === want,
          String(gdKept.length),
        );
        const hGd = await bandwidth();
        const cell = (config.domain.high[0]! - config.domain.low[0]!) / 96;
        const gdScott = [0, 1].map((j) => scott(gdKept, j));
        check(
          hGd.length === 2 && Math.abs(hGd[0]! - cell) < 1e-12 && Math.abs(hGd[1]! - cell) < 1e-12,
          `himmelblau: GD density (${gdKept.length} finals on the minima) drawn with a one-cell kernel ${hGd.map((h) => h.toFixed(4)).join(' × ')} = ${cell.toFixed(4)} (Scott's rule: ${gdScott.map((h) => h.toFixed(3)).join(' × ')})`,
        );
        await p.getByTestId('finals-pair').screenshot({ path: join(outDir, 'panel-example-himmelblau-gd-density.png') });
        await p.getByTestId('density-method').evaluate(
          (el: HTMLElement & { value: string }, v: string) => {
            el.value = v;
            el.dispatchEvent(new Event('change'));
          },
          String(result.methods.findIndex((m) => m.role === 'sgd')),
        );
        await p.waitForFunction(
          (want) => document.querySelector('[data-testid="chart-histogram"]')?.getAttribute('data-points') === want,
          String(kept.length),
        );
        // The element screenshot scrolled the page: back to the top, where the zoom below points the mouse.
        await p.evaluate(() => window.scrollTo(0, 0));
      }
      {
        const zooms = () =>
          p.evaluate(() =>
            ['chart-landscape', 'chart-trajectories', 'chart-finals', 'chart-histogram'].map(
              (id) => document.querySelector(`[data-testid="${id}"]`)!.getAttribute('data-zoom') ?? 'none',
            ),
          );
        check(
          (await zooms()).every((z) => z === ''),
          `${ex.name} ${t}: opens on the whole grid`,
        );
        // Wheel over the middle of f's map: in by e^(−0.4); every plane chart follows.
        const [fArea] = await plotAreas(p, 'chart-landscape');
        const box = (await p.getByTestId('chart-landscape').boundingBox())!;
        const cx = box.x + fArea![0]! + fArea![2]! / 2;
        const cy = box.y + fArea![1]! + fArea![3]! / 2;
        await p.mouse.move(cx, cy);
        await p.mouse.wheel(0, -200);
        await p.waitForFunction(() => !!document.querySelector('[data-testid="chart-finals"]')?.getAttribute('data-zoom'));
        await drawn(p, ['chart-landscape']);
        await p.waitForTimeout(100);
        const z = await zooms();
        const w = z[0]!.split(',').map(Number);
        const full = config.domain.high[0]! - config.domain.low[0]!;
        const gridW = result.landscape.x[result.landscape.x.length - 1]! - result.landscape.x[0]!;
        check(
          z.every((q) => q === z[0]) && Math.abs((w[1]! - w[0]!) / gridW - Math.exp(-0.4)) < 1e-3,
          `${ex.name} ${t}: the wheel zooms f, g, paths, finals and density together (${z[0]}; width ${(w[1]! - w[0]!).toFixed(3)} of ${gridW} = e^−0.4; domain ${full})`,
        );
        const [gArea] = (await plotAreas(p, 'chart-landscape')).slice(1);
        const [fNow] = await plotAreas(p, 'chart-landscape');
        check(
          !!gArea && gArea[2] === fNow![2] && gArea[3] === fNow![3],
          `${ex.name} ${t}: f and g plots keep one size and window when zoomed`,
        );
        await p.screenshot({ path: join(outDir, `panel-example-${ex.name}-zoomed-${t}.png`), fullPage: true });
        // Drag 40 px right: the window moves left by 40 px worth of data.
        await p.mouse.move(cx, cy);
        await p.mouse.down();
        await p.mouse.move(cx + 40, cy, { steps: 4 });
        await p.mouse.up();
        await p.waitForTimeout(100);
        const dragged = (await zooms())[0]!.split(',').map(Number);
        const per = (w[1]! - w[0]!) / fNow![2]!;
        check(
          Math.abs(dragged[0]! - (w[0]! - 40 * per)) < 2 * per || dragged[0] === result.landscape.x[0],
          `${ex.name} ${t}: a drag pans (x from ${w[0]} to ${dragged[0]}, expected ${(w[0]! - 40 * per).toFixed(4)} or the grid's edge)`,
        );
        await p.mouse.dblclick(cx, cy);
        await p.waitForTimeout(100);
        check(
          (await zooms()).every((q) => q === ''),
          `${ex.name} ${t}: a double-click goes back to the whole grid`,
        );
        // The time slider before the end: finals and density show every trial at the latest
        // snapshot step up to the slider's step, counted here from the result's snapshots.
        const snapSteps = result.sgd.snapshotSteps;
        check(snapSteps.length >= 2 && snapSteps[0] === 0, `${ex.name} ${t}: the run keeps snapshots (${snapSteps.join(', ')})`);
        const pathSteps = result.sgd.pathSteps;
        const index = Math.floor(pathSteps.length / 3);
        await p.getByTestId('time-slider').evaluate((el: HTMLInputElement, v: number) => {
          el.value = String(v);
          el.dispatchEvent(new Event('input'));
        }, index);
        const snap = snapSteps.filter((st) => st <= pathSteps[index]!).length - 1;
        const want = (m: MethodResult, inside: boolean) =>
          (m.snapshots[snap] ?? []).filter(
            (y) => y !== null && (!inside || y.every((v, j) => v >= config.domain.low[j]! && v <= config.domain.high[j]!)),
          ).length;
        await p.waitForFunction(
          (st) => document.querySelector('[data-testid="chart-histogram"]')?.getAttribute('data-where') === `step ${st}`,
          snapSteps[snap],
        );
        const at = await drawn(p, ['chart-histogram', 'chart-finals']);
        check(
          Number(at['chart-histogram']!.points) === want(result.sgd, true),
          `${ex.name} ${t}: slider at step ${pathSteps[index]}: the density shows the ${want(result.sgd, true)} SGD trials inside the domain at snapshot step ${snapSteps[snap]} (${at['chart-histogram']!.points})`,
        );
        const allMethods = result.methods.reduce((n, m) => n + want(m, false), 0);
        check(
          Number(at['chart-finals']!.points) === allMethods,
          `${ex.name} ${t}: slider at step ${pathSteps[index]}: the finals chart shows every method's ${allMethods} trials at step ${snapSteps[snap]} (${at['chart-finals']!.points})`,
        );
        await p.screenshot({ path: join(outDir, `panel-example-${ex.name}-step-${snapSteps[snap]}-${t}.png`), fullPage: true });
        if (theme !== 'vscode-dark') {
          check(errors.length === 0, `${ex.name} ${theme}: no console errors ${errors.join(' | ')}`);
          await p.close();
          continue;
        }
        // Play from there (dark): the density moves through the later snapshots and ends on the finals.
        const seen = new Set<string>();
        await p.getByTestId('play').click();
        const until = Date.now() + 60_000;
        while (Date.now() < until) {
          const w = await p.getByTestId('chart-histogram').getAttribute('data-where');
          if (w) seen.add(w);
          if (w === 'end') break;
          await p.waitForTimeout(30);
        }
        const later = snapSteps.filter((st) => st > snapSteps[snap]!).map((st) => `step ${st}`);
        const passed = later.filter((w) => seen.has(w));
        const valid = new Set(['end', ...snapSteps.map((st) => `step ${st}`)]);
        check(
          seen.has('end') && passed.length >= Math.min(3, later.length) && [...seen].every((w) => valid.has(w)),
          `${ex.name}: Play animates where all trials are: ${passed.length} of the ${later.length} later snapshots shown, then the finals (${[...seen].join(', ')})`,
        );
      }
      check(errors.length === 0, `${ex.name} ${theme}: no console errors ${errors.join(' | ')}`);
      await p.close();
    }
  }
}

// Real results from the CLI.
for (const file of (process.env.RESULTS ?? '').split(',').filter(Boolean)) {
  const result = JSON.parse(readFileSync(file, 'utf8')) as ExperimentResult;
  const view = toViewResult(result, file);
  const name = file
    .split('/')
    .pop()!
    .replace(/\.json$/, '');
  const bytes = { full: readFileSync(file).length, view: JSON.stringify(view).length };
  for (const theme of ['vscode-dark', 'vscode-light']) {
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: view });
    const d = await drawn(p, CHARTS);
    for (const id of CHARTS)
      check(
        d[id]!.drawn === 'true',
        `${name} ${theme} ${id} drawn (${d[id]!.points} points${d[id]!.error ? `, error ${d[id]!.error}` : ''})`,
      );
    check(errors.length === 0, `${name} ${theme} no console errors ${errors.join(' | ')}`);
    const ms = await p.getByTestId('panel-root').getAttribute('data-render-ms');
    console.log(
      `${name}: ${result.config.trials} trials × ${result.config.stages.reduce((s, st) => s + st.steps, 0)} steps, dim ${result.config.dim}; RESULT.json ${(bytes.full / 1e6).toFixed(2)} MB → view ${(bytes.view / 1e6).toFixed(2)} MB; render ${ms} ms (${theme})`,
    );
    await p.screenshot({ path: join(outDir, `real-${name}-${theme.replace('vscode-', '')}.png`), fullPage: true });
    await p.close();
  }
}

// Several methods from the same starts (issue 12), real results of the engine: Himmelblau on a
// domain that leaves one of its four minima outside (finals there are drawn on the edge and
// counted), four methods side by side, each in its colour; then overlaid.
if (!process.env.ONLY || process.env.ONLY === 'methods') {
  const himmelblau = (p: Float64Array) => (p[0]! ** 2 + p[1]! - 11) ** 2 + (p[0]! + p[1]! ** 2 - 7) ** 2;
  const config = resolveConfig(
    {
      function: 'himmelblau',
      trials: 60,
      seed: 'methods',
      init: { low: [-3.5, -3.5], high: [3.5, 3.5] },
      domain: { low: [-3.5, -3.5], high: [3.5, 3.5] },
      resolution: 61,
      stages: [{ lr: 0.005, radius: 0.1, steps: 300, noise: 'uniform' }],
      methods: [
        { name: 'SGD' },
        { name: 'GD', noise: 'none' },
        { name: 'Momentum', optimizer: { kind: 'momentum', beta: 0.9 } },
        { name: 'Adam', optimizer: { kind: 'adam' } },
      ],
    } as RunConfigInput,
    { dim: 2 },
  );
  const result = runExperiment(himmelblau, undefined, config);
  const view = toViewResult(result, 'run-methods');
  const box = config.domain;
  const inside = (y: number[]) => y.every((v, j) => v >= box.low[j]! && v <= box.high[j]!);
  // Independent counts from the result: finals drawn (every trial that did not diverge, inside or
  // on the edge), finals binned (those inside the domain), finals outside.
  const kept = result.methods.map((m) => m.finals.filter((_, t) => !m.divergedMask[t]));
  const drawnWant = kept.reduce((n, f) => n + f.length, 0);
  const binnedWant = kept.reduce((n, f) => n + f.filter(inside).length, 0);
  const outsideWant = kept.reduce((n, f) => n + f.filter((y) => !inside(y)).length, 0);
  check(outsideWant > 0, `methods: the case has finals outside the domain (${outsideWant})`);
  for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
    const { p, errors } = await open('panel', theme, 1400, 1000);
    await post(p, { status: { kind: 'idle' }, runs: [], current: view });
    const d = await drawn(p, ['chart-finals', 'chart-histogram', 'chart-trajectories']);
    const layout = await p.getByTestId('finals-pair').getAttribute('data-layout');
    check(layout === 'columns', `methods ${theme}: four methods side by side (${layout})`);
    check(
      Number(d['chart-finals']!.points) === drawnWant,
      `methods ${theme}: finals drawn ${d['chart-finals']!.points} = ${drawnWant} trials`,
    );
    check(
      Number(d['chart-histogram']!.points) === binnedWant,
      `methods ${theme}: histogram bins ${d['chart-histogram']!.points} = ${binnedWant} finals inside`,
    );
    const targets = (await p.getByTestId('targets').textContent()) ?? '';
    const found = result.diagnostics.targets.length;
    check(
      targets.includes(`${found} global minim${found === 1 ? 'um' : 'a'} found:`) &&
        targets.includes(`${outsideWant} finals outside the plot`),
      `methods ${theme}: targets line names the minima found and ${outsideWant} finals outside: ${targets}`,
    );
    const success = (await p.getByTestId('success').textContent()) ?? '';
    check(
      result.methods.every((m) => success.includes(`${m.name}${m.finalsAre === 'x_T' ? ' (x_T)' : ''} ${m.success} / 60`)),
      `methods ${theme}: success line has every method: ${success}`,
    );
    // Each column holds its method's colour (marker fill), read back from the canvas.
    const colors = theme === 'vscode-light' || theme === 'vscode-high-contrast-light' ? METHOD_COLORS.light : METHOD_COLORS.dark;
    const perColumn = await p.getByTestId('chart-finals').evaluate(
      (c: HTMLCanvasElement, colors: string[]) => {
        const ctx = c.getContext('2d')!;
        const w = Math.floor(c.width / 4);
        return [0, 1, 2, 3].map((k) => {
          const px = ctx.getImageData(k * w, 0, w, c.height).data;
          const want = [1, 3, 5].map((i) => parseInt(colors[k]!.slice(i, i + 2), 16));
          let n = 0;
          for (let i = 0; i < px.length; i += 4)
            if (Math.abs(px[i]! - want[0]!) + Math.abs(px[i + 1]! - want[1]!) + Math.abs(px[i + 2]! - want[2]!) <= 6) n++;
          return n;
        });
      },
      [...colors],
    );
    check(
      perColumn.every((n) => n >= 4),
      `methods ${theme}: each column shows its method's colour (${perColumn.join(', ')} pixels)`,
    );
    // Every method's colour against the background the page drew (the canvas's corner pixel):
    // WCAG 2 contrast, ≥ 3:1 for graphical objects (SC 1.4.11); the ratios printed.
    const bgPixel = await p
      .getByTestId('chart-finals')
      .evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(1, 1, 1, 1).data.slice(0, 3)));
    const ratios = colors.map((c) => wcagContrast(c, bgPixel));
    check(
      ratios.every((r) => r >= 3),
      `methods ${theme}: every method colour ≥ 3:1 on the background rgb(${bgPixel.join(',')}): ${colors.map((c, k) => `${k + 1} ${c} ${ratios[k]!.toFixed(2)}`).join(', ')}`,
    );
    await p.getByTestId('finals-pair').screenshot({ path: join(outDir, `panel-methods-${theme.replace('vscode-', '')}.png`) });
    if (theme === 'vscode-dark') {
      await p.getByTestId('methods-layout').evaluate((el: HTMLElement & { value: string }) => {
        el.value = 'overlay';
        el.dispatchEvent(new Event('change'));
      });
      await p.waitForFunction(() => document.querySelector('[data-testid="finals-pair"]')?.getAttribute('data-layout') === 'overlay');
      const o = await drawn(p, ['chart-finals', 'chart-histogram']);
      const cells = await p.getByTestId('density-method').evaluate((el: HTMLElement) => el.hidden);
      check(Number(o['chart-finals']!.points) === drawnWant, `methods overlaid: finals drawn ${o['chart-finals']!.points} = ${drawnWant}`);
      const sgdBinned = kept[0]!.filter(inside).length;
      check(
        Number(o['chart-histogram']!.points) === sgdBinned && !cells,
        `methods overlaid: 2-D density of SGD ${o['chart-histogram']!.points} = ${sgdBinned}, method picker shown`,
      );
      await p.getByTestId('finals-pair').screenshot({ path: join(outDir, 'panel-methods-overlay.png') });
    }
    check(errors.length === 0, `methods ${theme}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }
  // Half an editor wide (the e2e's four-method screenshot): the columns wrap into a grid and every
  // title (the density's carry "kernel h = …") stays inside its own cell, apart from its neighbours'.
  {
    const { p, errors } = await open('panel', 'vscode-dark', 640, 1000);
    await post(p, { status: { kind: 'idle' }, runs: [], current: view });
    await drawn(p, ['chart-finals', 'chart-histogram']);
    for (const id of ['chart-finals', 'chart-histogram']) {
      const canvas = p.getByTestId(id);
      const boxes = ((await canvas.getAttribute('data-title-boxes')) ?? '')
        .split(';')
        .filter(Boolean)
        .map((q) => q.split(',').map(Number));
      const cssW = await canvas.evaluate((c: HTMLCanvasElement) => c.getBoundingClientRect().width);
      const apart = boxes.every((a, i) =>
        boxes.every(
          (b, j) => j <= i || a[1]! + a[3]! <= b[1]! || b[1]! + b[3]! <= a[1]! || a[0]! + a[2]! <= b[0]! || b[0]! + b[2]! <= a[0]!,
        ),
      );
      const inside = boxes.every((b) => b[0]! >= 0 && b[0]! + b[2]! <= cssW);
      const areas = await plotAreas(p, id);
      check(
        areas.length === 4 && areas.every((a) => a[2] === areas[0]![2] && a[3] === areas[0]![3]),
        `methods at half width, ${id}: the four plot areas have one size (${areas.map((a) => `${a[2]}×${a[3]}`).join(', ')})`,
      );
      check(
        boxes.length === 4 && apart && inside,
        `methods at half width, ${id}: 4 titles, none overlapping or off the canvas (${boxes.map((b) => b.join(',')).join(' ; ')}; width ${Math.round(cssW)})`,
      );
    }
    await p.getByTestId('finals-pair').screenshot({ path: join(outDir, 'panel-methods-narrow.png') });
    check(errors.length === 0, `methods at half width: no console errors ${errors.join(' | ')}`);
    await p.close();
  }
  // 1-D, the paper's Figure 3 function: four methods as columns on the curve of f, shared axes.
  const fig3 = resolveConfig(
    {
      function: 'figure3',
      trials: 50,
      seed: 'm1',
      stages: [{ lr: 0.02, radius: 0.3, steps: 300, noise: 'uniform' }],
      methods: [
        { name: 'GD', noise: 'none' },
        { name: 'SGD' },
        { name: 'Nesterov', optimizer: { kind: 'nesterov' } },
        { name: 'SAM', optimizer: { kind: 'sam' } },
      ],
    } as RunConfigInput,
    { dim: 1 },
  );
  const r1 = runExperiment((x) => x[0]! ** 2 + 0.5 * Math.sin(8 * x[0]!), undefined, fig3);
  const v1 = toViewResult(r1, 'run-methods-1d');
  const { p, errors } = await open('panel', 'vscode-dark', 1400, 1000);
  await post(p, { status: { kind: 'idle' }, runs: [], current: v1 });
  const d1 = await drawn(p, ['chart-finals', 'chart-histogram']);
  const kept1 = r1.methods.map((m) => m.finals.filter((_, t) => !m.divergedMask[t]));
  const want1 = kept1.reduce((n, f) => n + f.length, 0);
  const lo = r1.diagnostics.histogram.edges[0]!;
  const hi = r1.diagnostics.histogram.edges[r1.diagnostics.histogram.edges.length - 1]!;
  const binned1 = kept1.reduce((n, f) => n + f.filter((y) => y[0]! >= lo && y[0]! <= hi).length, 0);
  check(Number(d1['chart-finals']!.points) === want1, `methods 1-D: finals drawn ${d1['chart-finals']!.points} = ${want1}`);
  check(Number(d1['chart-histogram']!.points) === binned1, `methods 1-D: histogram ${d1['chart-histogram']!.points} = ${binned1}`);
  await p.getByTestId('finals-pair').screenshot({ path: join(outDir, 'panel-methods-1d.png') });
  check(errors.length === 0, `methods 1-D: no console errors ${errors.join(' | ')}`);
  await p.close();
}

// Compare runs (issue 12): the paper's Figure 3 row 2 as stored runs — GD and noise 0.15, 0.3,
// 0.6 on one 1-D function — and three 2-D runs; columns on shared axes, overlaid histograms, the
// success table; counts checked against the results.
const FIGURE3_ROW2: Array<['none' | 'uniform', number]> = [
  ['none', 0.3],
  ['uniform', 0.15],
  ['uniform', 0.3],
  ['uniform', 0.6],
];
if (!process.env.ONLY || process.env.ONLY === 'compare') {
  const run1d = (noise: 'none' | 'uniform', radius: number, id: string) => {
    const config = resolveConfig(
      { function: 'bumpy', trials: 60, seed: 'cmp', stages: [{ lr: 0.02, radius, steps: 300, noise }], compareGd: false } as RunConfigInput,
      { dim: 1 },
    );
    return toCompareView(
      runExperiment((x) => x[0]! ** 2 + 0.6 * Math.sin(9 * x[0]!), undefined, config),
      id,
    );
  };
  const runs = [run1d('none', 0.3, 'c-gd'), run1d('uniform', 0.15, 'c-015'), run1d('uniform', 0.3, 'c-03'), run1d('uniform', 0.6, 'c-06')];
  const kept = (v: ViewResult) => v.sgd.finals.filter((_, i) => !v.sgd.divergedMask[i]).length;
  const binned = (v: ViewResult) => v.diagnostics.histogram.sgd.reduce((a, b) => a + b, 0);
  const { p, errors } = await open('panel', 'vscode-dark', 1400, 1100);
  await post(p, { status: { kind: 'idle' }, runs: [], current: runs[2], compare: { runs, missing: [] } } as HostState);
  const d = await drawn(p, ['chart-compare-finals', 'chart-compare-histogram', 'chart-compare-overlay']);
  const ids = await p.getByTestId('compare-card').getAttribute('data-runs');
  check(ids === 'c-gd,c-015,c-03,c-06', `compare: four runs in the order asked (${ids})`);
  const want = runs.reduce((n, v) => n + kept(v), 0);
  const wantBinned = runs.reduce((n, v) => n + binned(v), 0);
  check(Number(d['chart-compare-finals']!.points) === want, `compare: finals ${d['chart-compare-finals']!.points} = ${want}`);
  check(
    Number(d['chart-compare-histogram']!.points) === wantBinned,
    `compare: histograms ${d['chart-compare-histogram']!.points} = ${wantBinned}`,
  );
  check(
    Number(d['chart-compare-overlay']!.points) === wantBinned,
    `compare: overlay ${d['chart-compare-overlay']!.points} = ${wantBinned}`,
  );
  // Each run's one method is "SGD"; the first run's has no noise: its cell is in the GD column.
  const cells = await p
    .locator('[data-testid="compare-success"] td[data-method="SGD"]')
    .evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-what'), Number(td.getAttribute('data-success'))]));
  const wantCells = runs.map((v, i) => [i === 0 ? 'GD' : 'SGD', v.diagnostics.successSgd]);
  check(
    JSON.stringify(cells) === JSON.stringify(wantCells),
    `compare: success table ${JSON.stringify(cells)} = ${JSON.stringify(wantCells)} (the noise-free run under GD)`,
  );
  const heads = await p.locator('[data-testid="compare-success"] thead th').allTextContents();
  check(JSON.stringify(heads) === '["run","GD","SGD"]', `compare: table columns by what each method is (${JSON.stringify(heads)})`);
  const rowsText = await p.locator('[data-testid="compare-success"] tbody th').allTextContents();
  check(
    rowsText[0] === 'no noise' && rowsText[3] === 'noise uniform 0.6',
    `compare: rows named by what differs (${JSON.stringify(rowsText)})`,
  );
  check((await p.getByTestId('chart-compare-finals').getAttribute('data-grid')) === '4×1', 'compare: four columns in one row at 1400 px');
  await p.getByTestId('compare-card').screenshot({ path: join(outDir, 'panel-compare-figure3-row2.png') });
  // Half the width (an editor split in two): the columns wrap into 2 × 2, every point still drawn.
  await p.setViewportSize({ width: 700, height: 1100 });
  await p.waitForFunction(() => document.querySelector('[data-testid="chart-compare-finals"]')?.getAttribute('data-grid') === '2×2');
  const narrow = await drawn(p, ['chart-compare-finals', 'chart-compare-histogram', 'chart-compare-overlay']);
  check(
    Number(narrow['chart-compare-finals']!.points) === want && Number(narrow['chart-compare-histogram']!.points) === wantBinned,
    `compare at 700 px: 2 × 2 grid, finals ${narrow['chart-compare-finals']!.points} = ${want}, binned ${narrow['chart-compare-histogram']!.points} = ${wantBinned}`,
  );
  await p.getByTestId('compare-card').screenshot({ path: join(outDir, 'panel-compare-figure3-row2-narrow.png') });
  await p.setViewportSize({ width: 1400, height: 1100 });
  // Close: the card goes, and a close message is what the button sends.
  await p.getByTestId('compare-close').click();
  const closeMsg = await p.evaluate(() => (window as any).__posted.at(-1));
  check(
    closeMsg?.type === 'compareRuns' && closeMsg.runIds.length === 0,
    `compare: Close asks the host to close (${JSON.stringify(closeMsg)})`,
  );
  await post(p, { status: { kind: 'idle' }, runs: [], current: runs[2] } as HostState);
  await p.waitForFunction(() => (document.querySelector('[data-testid="compare-card"]') as HTMLElement).hidden);
  check(errors.length === 0, `compare 1-D: no console errors ${errors.join(' | ')}`);
  await p.close();

  // The paper's Figure 3 row 2 on its own f (examples/paper-figure3.ts, as the side panel's preset
  // runs it: 100 trials from [−3, 3], η 0.01, 1000 steps; GD, then uniform noise 0.15, 0.3, 0.6),
  // at the width of half an editor: the picture for the issue's closing note.
  {
    const { figure3, figure3Options } = await import('../../examples/paper-figure3');
    const paper = FIGURE3_ROW2.map(([noise, radius], i) =>
      toCompareView(
        runExperiment(
          (x) => figure3(x[0]!),
          undefined,
          resolveConfig(
            {
              function: 'figure3',
              trials: 100,
              seed: 'fig3',
              stages: [{ lr: 0.01, radius, steps: 1000, noise }],
              compareGd: false,
            } as RunConfigInput,
            { dim: 1, options: figure3Options },
          ),
        ),
        `fig3-${i}`,
      ),
    );
    const q = await open('panel', 'vscode-light', 760, 1100);
    await post(q.p, { status: { kind: 'idle' }, runs: [], current: paper[0], compare: { runs: paper, missing: [] } } as HostState);
    const d3 = await drawn(q.p, ['chart-compare-finals', 'chart-compare-histogram', 'chart-compare-overlay']);
    const want3 = paper.reduce((n, v) => n + kept(v), 0);
    check(
      Number(d3['chart-compare-finals']!.points) === want3 &&
        (await q.p.getByTestId('chart-compare-finals').getAttribute('data-grid')) === '2×2',
      `compare, paper's Figure 3 row 2 at 760 px: 2 × 2, finals ${d3['chart-compare-finals']!.points} = ${want3}`,
    );
    await q.p.getByTestId('compare-card').screenshot({ path: join(outDir, 'panel-compare-paper-figure3-row2.png') });
    check(q.errors.length === 0, `compare, paper's Figure 3 row 2: no console errors ${q.errors.join(' | ')}`);
    await q.p.close();
  }

  // 2-D: three radii on Himmelblau.
  const himmelblau = (q: Float64Array) => (q[0]! ** 2 + q[1]! - 11) ** 2 + (q[0]! + q[1]! ** 2 - 7) ** 2;
  const runs2 = [0.05, 0.2, 0.5].map((radius, i) =>
    toCompareView(
      runExperiment(
        himmelblau,
        undefined,
        resolveConfig(
          {
            function: 'himmelblau',
            trials: 50,
            seed: 'c2',
            resolution: 41,
            stages: [{ lr: 0.005, radius, steps: 200, noise: 'uniform' }],
          } as RunConfigInput,
          { dim: 2 },
        ),
      ),
      `c2-${i}`,
    ),
  );
  for (const theme of ['vscode-light', 'vscode-high-contrast']) {
    const q = await open('panel', theme, 1400, 1100);
    await post(q.p, { status: { kind: 'idle' }, runs: [], current: runs2[0], compare: { runs: runs2, missing: ['gone'] } } as HostState);
    const d2 = await drawn(q.p, ['chart-compare-finals', 'chart-compare-histogram', 'chart-compare-overlay']);
    const want2 = runs2.reduce((n, v) => n + kept(v), 0);
    const cells2 = runs2.reduce((n, v) => n + (v.diagnostics.histogram.sgd2d ?? []).flat().reduce((a, b) => a + b, 0), 0);
    check(
      Number(d2['chart-compare-finals']!.points) === want2,
      `compare 2-D ${theme}: finals ${d2['chart-compare-finals']!.points} = ${want2}`,
    );
    check(
      Number(d2['chart-compare-histogram']!.points) === cells2,
      `compare 2-D ${theme}: density cells ${d2['chart-compare-histogram']!.points} = ${cells2}`,
    );
    check(
      Number(d2['chart-compare-overlay']!.points) === want2,
      `compare 2-D ${theme}: overlay ${d2['chart-compare-overlay']!.points} = ${want2}`,
    );
    check(!(await q.p.getByTestId('compare-missing').isHidden()), `compare 2-D ${theme}: a run no longer stored is said`);
    if (theme === 'vscode-light') {
      // Tick the second run's GD too: five columns, its finals added to the columns and the overlay.
      const gdKept = runs2[1]!.gd!.finals.filter((_, i) => !runs2[1]!.gd!.divergedMask[i]).length;
      await q.p.locator('[data-testid="compare-draw"][data-run-id="c2-1"][data-method="GD"]').check();
      await q.p.waitForFunction(
        () => document.querySelector('[data-testid="compare-card"]')?.getAttribute('data-columns')?.split(',').length === 4,
      );
      const d3 = await drawn(q.p, ['chart-compare-finals', 'chart-compare-overlay']);
      const columns = await q.p.getByTestId('compare-card').getAttribute('data-columns');
      check(columns === 'c2-0/SGD,c2-1/SGD,c2-1/GD,c2-2/SGD', `compare 2-D: GD of the second run ticked → columns ${columns}`);
      check(
        Number(d3['chart-compare-finals']!.points) === want2 + gdKept && Number(d3['chart-compare-overlay']!.points) === want2 + gdKept,
        `compare 2-D: with GD, finals ${d3['chart-compare-finals']!.points} and overlay ${d3['chart-compare-overlay']!.points} = ${want2 + gdKept}`,
      );
      const saved = await q.p.evaluate(() => (window as any).acquireVsCodeApi().getState()?.compareDrawn);
      check(
        JSON.stringify(saved?.['c2-1']) === '["SGD","GD"]',
        `compare 2-D: the pick is saved with the panel's state (${JSON.stringify(saved)})`,
      );
      await q.p.getByTestId('compare-card').screenshot({ path: join(outDir, 'panel-compare-2d-with-gd.png') });
      // Untick it again: back to one column per run.
      await q.p.locator('[data-testid="compare-draw"][data-run-id="c2-1"][data-method="GD"]').uncheck();
      await q.p.waitForFunction(
        () => document.querySelector('[data-testid="compare-card"]')?.getAttribute('data-columns')?.split(',').length === 3,
      );
    }
    await q.p.getByTestId('compare-card').screenshot({ path: join(outDir, `panel-compare-2d-${theme.replace('vscode-', '')}.png`) });
    check(q.errors.length === 0, `compare 2-D ${theme}: no console errors ${q.errors.join(' | ')}`);
    await q.p.close();
  }

  // Side panel: tick runs in "Recent runs", Compare posts them in the order ticked.
  const side = await open('sidebar', 'vscode-dark');
  const summaries = ['r-1', 'r-2', 'r-3'].map((id, i) => ({
    id,
    label: id,
    file: '/w/f.ts',
    exportName: 'f',
    startedAt: `2026-11-30T20:0${i}:00.000Z`,
    dim: 1,
    trials: 10,
    successSgd: 3,
    successGd: 2,
    c: 0.1,
    diverged: 0,
  }));
  await postSide(side.p, { status: { kind: 'idle' }, runs: summaries } as HostState);
  await side.p.waitForSelector('[data-testid="compare-pick"][data-compare-id="r-3"]');
  const disabledAtFirst = await side.p.getByTestId('compare-runs').evaluate((b) => b.hasAttribute('disabled'));
  for (const id of ['r-3', 'r-1']) await side.p.locator(`[data-testid="compare-pick"][data-compare-id="${id}"]`).check();
  await side.p.getByTestId('compare-runs').click();
  const sent = await side.p.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'compareRuns').at(-1));
  check(
    disabledAtFirst && JSON.stringify(sent?.runIds) === '["r-3","r-1"]',
    `sidebar: Compare sends the ticked runs in order (${JSON.stringify(sent)})`,
  );
  check(side.errors.length === 0, `sidebar compare: no console errors ${side.errors.join(' | ')}`);
  await side.p.close();
}

// A run while it goes: partial results drawn live, the last complete run back after a failure.
if (!process.env.ONLY || process.env.ONLY === 'live') {
  const LIVE = ['chart-landscape', 'chart-trajectories', 'chart-finals', 'chart-histogram'];
  const DIAG = CHARTS.filter((id) => !LIVE.includes(id));
  /** The first k trials of a method's result, as the pool reports a prefix of chunks. */
  const firstTrials = (m: MethodResult, k: number): MethodResult => ({
    ...m,
    finals: m.finals.slice(0, k),
    finalX: m.finalX.slice(0, k),
    finalLoss: m.finalLoss.slice(0, k),
    divergedMask: m.divergedMask.slice(0, k),
    diverged: m.divergedMask.slice(0, k).filter(Boolean).length,
    stageFinals: m.stageFinals.map((s) => s.slice(0, k)),
  });
  const liveOf = (r: ExperimentResult, k: number): LiveView =>
    toLiveView(
      'run-live',
      r.config,
      { landscape: r.landscape, sgd: firstTrials(r.sgd, k), ...(r.gd ? { gd: firstTrials(r.gd, k) } : {}), trialsDone: k },
      r.startedAt,
      { file: '/work/examples/spiky.ts', exportName: 'spikyBowl' },
    );
  const root = (p: Page, name: string) => p.getByTestId('panel-root').getAttribute(name);
  const running = (done: number): HostState['status'] => ({
    kind: 'running',
    runId: 'run-live',
    label: 'spikyBowl',
    phase: 'sgd',
    done,
    total: 1000,
  });
  const report: string[] = [];
  for (const [name, opts] of [
    ['1d', { dim: 1, trials: 1000, steps: 5000, sampleTrajectories: 20, trajectoryPoints: 200 }],
    ['2d', { dim: 2, trials: 1000, steps: 5000, sampleTrajectories: 20, trajectoryPoints: 200, resolution: 201 }],
  ] as const) {
    const { p, errors } = await open('panel', 'vscode-dark');
    const old = toViewResult(makeResult({ dim: opts.dim, trials: 100, steps: 300, seed: 3 }), `run-old-${name}`);
    await post(p, { status: { kind: 'idle' }, runs: [], current: old });
    await drawn(p, CHARTS);
    const oldRun = await root(p, 'data-run');
    const oldSummary = await p.getByTestId('summary').textContent();
    const next = makeResult({ ...opts, seed: 11 });
    // The first live update comes with the state (hydration), later ones as 'live' messages.
    let posted = liveOf(next, 250);
    await post(p, { status: running(250), runs: [], current: old, live: posted });
    await p.waitForFunction(() => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-live') === 'true');
    const d = await drawn(p, LIVE);
    for (const id of LIVE)
      check(d[id]!.drawn === 'true', `live ${name} ${id} drawn (${d[id]!.points} points${d[id]!.error ? `, error ${d[id]!.error}` : ''})`);
    const marks = await p.evaluate(
      (ids) => ids.map((id) => document.querySelector(`[data-testid="${id}"]`)!.getAttribute('data-live')),
      LIVE,
    );
    check(
      marks.every((m) => m === 'true'),
      `live ${name}: live canvases carry data-live="true"`,
    );
    check((await root(p, 'data-run')) === oldRun, `live ${name}: data-run still names the last complete run`);
    check(
      await p.evaluate(
        (ids) => ids.every((id) => document.querySelector(`[data-testid="${id}"]`)!.getAttribute('data-drawn') === 'false'),
        DIAG,
      ),
      `live ${name}: diagnostics not drawn`,
    );
    const label = (await p.getByTestId('summary').textContent()) ?? '';
    check(/running — 250 of 1000 trials/.test(label), `live ${name} label: ${label.slice(0, 60)}…`);
    const times: number[] = [];
    for (const k of [500, 750, 1000]) {
      // As the panel provider posts it: the landscape it already sent is left out.
      const live = liveOf(next, k);
      const message = liveMessage(live, posted);
      posted = live;
      await p.evaluate((m) => window.postMessage(m, '*'), message as any);
      await p.waitForFunction(
        (k) => new RegExp(`running — ${k} of`).test(document.querySelector('[data-testid="summary"]')?.textContent ?? ''),
        k,
      );
      times.push(Number(await root(p, 'data-live-ms')));
    }
    const finals = await p.getByTestId('chart-finals').getAttribute('data-points');
    check(finals === String(2 * 1000), `live ${name}: finals of all 1000 trials drawn (${finals})`);
    check((await root(p, 'data-live-renders')) === '4', `live ${name}: 4 live draws counted (${await root(p, 'data-live-renders')})`);
    const bytes = JSON.stringify(liveOf(next, 1000)).length;
    const kept = JSON.stringify(liveMessage(liveOf(next, 1000), posted)).length;
    const line = `live ${name} 1000 trials × 5000 steps: first live message ${(bytes / 1e6).toFixed(2)} MB JSON, later ones ${(kept / 1e6).toFixed(2)} MB (landscape kept); live draws ${times.map((t) => t.toFixed(0)).join(', ')} ms`;
    console.log(line);
    report.push(line);
    check(
      times.every((t) => t > 0),
      `live ${name}: live draw times recorded`,
    );
    speed(
      times.every((t) => t < 250),
      `live ${name}: each live draw under 250 ms (the update interval)`,
    );
    await p.getByTestId('chart-finals').scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(outDir, `panel-live-${name}.png`), fullPage: true });
    // The run fails: the live view goes, the last complete run comes back with the error banner.
    await p.evaluate(() =>
      window.postMessage(
        { type: 'state', state: { status: { kind: 'error', message: 'spikyBowl threw at x = [0.5]: boom' }, runs: [] }, keepCurrent: true },
        '*',
      ),
    );
    await p.waitForFunction(() => !document.querySelector('[data-testid="panel-root"]')?.hasAttribute('data-live'));
    const back = await drawn(p, CHARTS);
    check(
      (await root(p, 'data-run')) === oldRun && (await p.getByTestId('summary').textContent()) === oldSummary,
      `live ${name}: after a failure the last complete run is back`,
    );
    check(
      CHARTS.every((id) => back[id]!.drawn === 'true') && (await p.evaluate(() => !document.querySelector('canvas[data-live]'))),
      `live ${name}: all its charts drawn, none marked live`,
    );
    check(await p.getByTestId('error').isVisible(), `live ${name}: error banner shown`);
    if (name === '1d') await p.screenshot({ path: join(outDir, 'panel-live-failed-1d.png'), fullPage: true });
    // Another run succeeds: its complete result replaces the live view.
    await post(p, { status: running(500), runs: [], current: old, live: liveOf(next, 500) });
    await p.waitForFunction(() => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-live') === 'true');
    const done = toViewResult(next, `run-next-${name}`);
    await post(p, { status: { kind: 'idle' }, runs: [], current: done });
    await p.waitForFunction((old) => document.querySelector('[data-testid="panel-root"]')?.getAttribute('data-run') !== old, oldRun);
    const fin = await drawn(p, CHARTS);
    check(
      CHARTS.every((id) => fin[id]!.drawn === 'true') && !(await root(p, 'data-live')),
      `live ${name}: the complete result replaces the live view`,
    );
    check(errors.length === 0, `live ${name}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }
  writeFileSync(join(outDir, 'live-times.txt'), report.join('\n') + '\n');
}

// Side panel: controls, presets, run message, summary, recent runs.
for (const theme of process.env.ONLY && process.env.ONLY !== 'sidebar'
  ? []
  : ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light']) {
  const { p, errors } = await open('sidebar', theme, 360, 1300);
  const view = toViewResult(makeResult({ dim: 1, trials: 100, steps: 400 }), 'run-sidebar');
  const initial: HostState = {
    status: { kind: 'idle' },
    current: view,
    controls,
    runs: [
      {
        id: 'run-2',
        label: 'spikyBowl',
        file: '/work/examples/spiky.ts',
        exportName: 'spikyBowl',
        startedAt: '2026-11-26T03:00:00.000Z',
        dim: 1,
        trials: 100,
        successSgd: 61,
        successGd: 4,
        c: 0.42,
        diverged: 0,
      },
      {
        id: 'run-1',
        label: 'rastrigin2',
        file: '/work/examples/spiky.ts',
        exportName: 'rastrigin2',
        startedAt: '2026-11-26T02:50:00.000Z',
        dim: 2,
        trials: 100,
        successSgd: 12,
        successGd: 3,
        c: -1.2,
        diverged: 1,
      },
    ],
  };
  await postSide(p, initial);
  const d = await drawn(p, ['chart-sidebar-landscape']);
  check(d['chart-sidebar-landscape']!.drawn === 'true', `sidebar ${theme} small chart drawn (${d['chart-sidebar-landscape']!.points})`);
  check((await p.getByTestId('lr').inputValue()) === '0.02', 'sidebar shows lr from controls');
  check(
    /r = a\/η = 15/.test((await p.getByTestId('derived-r').textContent()) ?? ''),
    `derived r shown: ${await p.getByTestId('derived-r').textContent()}`,
  );
  // Issue 13: η, radius and steps set nowhere are shown as suggested, with the values the
  // function's last run derived and why; "Keep these values" offered.
  {
    const suggested = {
      fields: ['lr', 'radius', 'steps'] as Array<'lr' | 'radius' | 'steps'>,
      values: { lr: 0.225, radius: 0.251, steps: 100 },
      why: { lr: 'η = 0.45/L with L = 2', radius: 'the largest whose spread at x* stays within ε/2', steps: 'GD converges in 12' },
    };
    await postSide(p, {
      status: { kind: 'idle' },
      current: view,
      controls: {
        ...controls,
        settings: {
          ...controls.settings,
          lr: 0.225,
          radius: 0.251,
          steps: 100,
          stages: [{ lr: 0.225, radius: 0.251, noise: 'uniform', steps: 100 }],
        },
        suggested,
      },
      runs: [],
    });
    await p.getByTestId('suggested-note').waitFor({ state: 'visible', timeout: 10_000 });
    const tags = await p.evaluate(() =>
      ['lr', 'radius', 'steps'].map((k) => !(document.querySelector(`[data-testid="suggested-${k}"]`) as HTMLElement).hidden),
    );
    const note = (await p.getByTestId('suggested-note').textContent()) ?? '';
    check(
      tags.every(Boolean) &&
        note.includes('η 0.225 — η = 0.45/L with L = 2') &&
        note.includes('steps 100 — GD converges in 12') &&
        (await p.getByTestId('accept-suggested').isVisible()),
      `sidebar ${theme}: η, radius and steps tagged suggested, the note gives the values and why (${note.slice(0, 100)}…)`,
    );
    await p.screenshot({ path: join(outDir, `sidebar-suggested-${theme.replace('vscode-', '')}.png`), fullPage: true });
    // A preset stages the paper's four stages: the schedule opens on stages 2–4 and a line says Run runs it.
    await postSide(p, initial);
    await p.getByTestId('preset-fig3-stages').click();
    const preset = (await p.getByTestId('preset-note').textContent()) ?? '';
    check(
      (await p.getByTestId('schedule').evaluate((el) => el.hasAttribute('open'))) &&
        (await p.locator('[data-testid="stages"] li[data-stage]').count()) === 3 &&
        /^Staged “Figure 3: 4 stages”: 4 stages, .*Press Run to run it\.$/.test(preset),
      `sidebar ${theme}: the four-stage preset opens the schedule on stages 2–4 and says it is staged (${preset})`,
    );
    await p.getByTestId('schedule').scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(outDir, `sidebar-preset-${theme.replace('vscode-', '')}.png`), fullPage: true });
  }
  if (theme === 'vscode-dark') {
    check((await p.locator('[data-testid="stages"] li[data-stage]').count()) === 3, 'four-stage preset lists stages 2–4');
    await p.getByTestId('trials').fill('250');
    await p.getByTestId('trials').dispatchEvent('change');
    await p.getByTestId('lr').fill('-5');
    await p.getByTestId('lr').dispatchEvent('change');
    check(await p.getByTestId('run').evaluate((b) => b.hasAttribute('disabled')), 'invalid lr disables Run');
    await p.getByTestId('lr').fill('0.01');
    await p.getByTestId('lr').dispatchEvent('change');
    await p.getByTestId('run').click();
    const run = await p.evaluate(() => (window as any).__posted.find((m: any) => m.type === 'run'));
    check(
      run?.exportName === 'spikyBowl' &&
        run.settings.trials === 250 &&
        run.settings.lr === 0.01 &&
        run.settings.stages.length === 4 &&
        run.settings.stages[0].lr === 0.01 &&
        run.settings.stages[3].radius === 0.01,
      `run message ${JSON.stringify(run?.settings).slice(0, 160)}`,
    );
    await p.locator('[data-run-id="run-1"]').click();
    check(
      await p.evaluate(() => (window as any).__posted.some((m: any) => m.type === 'openRun' && m.runId === 'run-1')),
      'recent run click posts openRun',
    );
    await postSide(p, {
      status: { kind: 'running', runId: 'r', label: 'spikyBowl', phase: 'trials', done: 30, total: 100 },
      current: view,
      controls,
      runs: [],
    });
    check(await p.getByTestId('stop').evaluate((b) => !b.hasAttribute('disabled')), 'Stop enabled while running');
    // While a run goes, the small chart shows the running experiment's landscape (here a 2-D one).
    const running2d = makeResult({ dim: 2, trials: 50, steps: 200, resolution: 41, seed: 5 });
    const liveView = toLiveView('r', running2d.config, { landscape: running2d.landscape, trialsDone: 30 }, running2d.startedAt, {
      file: '/work/examples/spiky.ts',
      exportName: 'spikyBowl',
    });
    await postSide(p, {
      status: { kind: 'running', runId: 'r', label: 'spikyBowl', phase: 'sgd', done: 30, total: 50 },
      current: view,
      controls,
      runs: [],
      live: liveView,
    });
    await p.waitForFunction(() => document.querySelector('[data-testid="chart-sidebar-landscape"]')?.getAttribute('data-live') === 'true');
    const livePoints = await p.getByTestId('chart-sidebar-landscape').getAttribute('data-points');
    check(
      Number(livePoints) === 41 * 41,
      `sidebar small chart draws the live 2-D landscape: the 41 × 41 cells of g (${livePoints} points)`,
    );
    await p.screenshot({ path: join(outDir, 'sidebar-live.png'), fullPage: true });
    // The run fails: no live view any more, the shown run's landscape comes back.
    await postSide(p, { status: { kind: 'error', message: 'boom' }, current: view, controls, runs: [] });
    await p.waitForFunction(() => document.querySelector('[data-testid="chart-sidebar-landscape"]')?.getAttribute('data-live') === 'false');
    check(
      (await p.getByTestId('chart-sidebar-landscape').getAttribute('data-points')) === d['chart-sidebar-landscape']!.points,
      'sidebar small chart back to the shown run after the live run ends',
    );
  }
  const csp = await p.evaluate(() => (window as any).__csp as string[]);
  check(csp.length === 0, `sidebar ${theme} no CSP violations ${csp.join(', ')}`);
  check(errors.length === 0, `sidebar ${theme} no console errors ${errors.join(' | ')}`);
  await p.screenshot({ path: join(outDir, `sidebar-${theme.replace('vscode-', '')}.png`), fullPage: true });
  await p.close();
}

if (!process.env.ONLY || process.env.ONLY === 'views' || process.env.ONLY === 'issue13')
  await issue13Harness({ open, post, drawn, charts: CHARTS, check, outDir });
if (!process.env.ONLY || process.env.ONLY === 'surface') await surfaceHarness({ browser, origin, check, outDir });
if (!process.env.ONLY || process.env.ONLY === 'sweep') await sweepHarness({ open, check, outDir });

await browser.close();
server.close();
console.log(failures.length ? `\n${failures.length} check(s) failed` : '\nall checks passed');
console.log(`screenshots in ${outDir}`);
process.exit(failures.length ? 1 : 0);
