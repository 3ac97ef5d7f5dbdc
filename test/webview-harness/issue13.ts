/**
 * Issue 13 on the examples the project ships, in dark, light and high-contrast, with screenshots
 * (docs/screenshots.md lists which file shows which item):
 *
 * - examples/paper-figure3.ts with the side panel's "Figure 3: 4 stages" preset run by the engine:
 *   the 1-D c(y) chart, one stage picked at a time (the others faint), its axis from the picked
 *   curve's 2%–98% quantiles with 0, on round ticks, what the axis cuts off marked, the estimated
 *   c over its stage's start region (a × on the axis's edge with its value when it lies beyond); Theorem 1 in plain words; the
 *   histogram's bars side by side.
 * - examples/rosenbrock.ts at the old fixed defaults (η 0.01, radius 0.3, 1000 steps): every trial
 *   diverges; the summary says so with the likely cause and an η to try, and the charts with no
 *   finals say why.
 *
 * Every expectation is worked out here from the engine's result, not read from the page.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ExperimentResult, RunConfigInput } from '../../src/engine/types';
import { resolveConfig } from '../../src/engine/config';
import { runExperiment } from '../../src/engine/experiment';
import { toViewResult } from '../../src/extension/viewModel';
import { formatNumber, formatPoint } from '../../src/view/format';
import type { HostState } from '../../src/protocol/webview';
import { figure3, figure3Options } from '../../examples/paper-figure3';
import { rosenbrock, rosenbrockOptions } from '../../examples/rosenbrock';
import { himmelblau, himmelblauOptions } from '../../examples/himmelblau';
import { whyNoSnapshots } from '../../webview/shared/snapshots';
import { autoScale } from '../../webview/shared/valueScale';
import { METHOD_COLORS } from '../../webview/shared/palette';

const THEMES = ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light'] as const;

export interface Issue13Harness {
  open: (entry: 'panel', theme: string, width?: number, height?: number) => Promise<{ p: Page; errors: string[] }>;
  post: (p: Page, state: HostState) => Promise<void>;
  drawn: (p: Page, ids: string[]) => Promise<Record<string, { drawn: string | null; points: string | null; error: string | null }>>;
  charts: string[];
  check: (ok: boolean, what: string) => void;
  outDir: string;
}

const box = (lo: number, hi: number) => ({ low: [lo], high: [hi] });

/** The paper's Figure 3, row 3, as the side panel's "Figure 3: 4 stages" preset stages it (η 0.01, 1000 steps a stage). */
function figure3Stages(): ExperimentResult {
  const { gradient: _gradient, ...options } = figure3Options;
  const config = resolveConfig(
    {
      function: 'figure3',
      trials: 100,
      seed: 'issue13',
      init: box(-3, 3),
      stages: [
        { lr: 0.01, radius: 0.3, noise: 'uniform', steps: 1000, init: box(-3, 3) },
        { lr: 0.01, radius: 0.15, noise: 'uniform', steps: 1000, init: box(-1.5, 1.5) },
        { lr: 0.01, radius: 0.05, noise: 'uniform', steps: 1000, init: box(-0.5, 0.5) },
        { lr: 0.01, radius: 0.01, noise: 'uniform', steps: 1000, init: box(-0.3, 0.3) },
      ],
    } as RunConfigInput,
    { dim: 1, options },
  );
  return runExperiment((q) => figure3(q[0]!), undefined, config);
}

/** Nearest-rank quantile q of the finite values. */
function quantile(values: number[], q: number): number {
  const a = values.filter(Number.isFinite).sort((u, v) => u - v);
  return a[Math.round(q * (a.length - 1))]!;
}

/** A tick step of the form {1, 2, 5} × 10ⁿ. */
function roundStep(step: number): boolean {
  const mag = 10 ** Math.floor(Math.log10(step) + 1e-9);
  return [1, 2, 5, 10].some((m) => Math.abs(step / mag - m) < 1e-6);
}

/** The maximal runs of consecutive finite values beyond [lo, hi] on one side (what an axis cuts off). */
function stretchesBeyond(values: number[], lo: number, hi: number): number {
  let n = 0;
  let prev: 'above' | 'below' | undefined;
  for (const v of values) {
    const side = !Number.isFinite(v) ? undefined : v > hi ? 'above' : v < lo ? 'below' : undefined;
    if (side && side !== prev) n++;
    prev = side;
  }
  return n;
}

/**
 * The 1-D c(y) chart with curve k picked: checks its axis, clipped marks and estimated c against
 * the result. Returns a one-line description.
 */
async function checkCurve(p: Page, result: ExperimentResult, k: number, label: string, check: Issue13Harness['check']): Promise<void> {
  const canvas = p.getByTestId('chart-convexity');
  const a = await canvas.evaluate((c: HTMLCanvasElement) => ({ ...c.dataset }));
  const map = result.diagnostics.convexity[k]!;
  const values = map.values as number[];
  const stage = result.config.stages.findIndex((s) => s.radius === map.radius);
  const c = result.diagnostics.theorem1.find((t) => t.stage === stage)?.c ?? map.c;
  const need = [Math.min(quantile(values, 0.02), 0), Math.max(quantile(values, 0.98), 0)];
  const [lo, hi] = (a.yRange ?? '').split(',').map(Number) as [number, number];
  const ticks = (a.yTicks ?? '').split(',').filter(Boolean).map(Number);
  const steps = ticks.slice(1).map((t, i) => t - ticks[i]!);
  const step = steps[0] ?? NaN;
  check(a.curve === String(k), `${label}: the picked curve is stage ${stage + 1}'s (data-curve ${a.curve})`);
  check(
    // The ends are rounded to a 1-2-5 step of about a fifth of the span, which may be twice the
    // step Chart.js draws ticks at: at most two drawn tick steps of room on each side.
    lo <= need[0]! && hi >= need[1]! && need[0]! - lo <= 2 * step + 1e-9 && hi - need[1]! <= 2 * step + 1e-9,
    `${label}: the axis [${lo}, ${hi}] covers the curve's 2%–98% quantiles and 0 (${need.map((v) => v.toPrecision(4)).join(' … ')}) with at most two tick steps (${step}) of room each side`,
  );
  // The estimated c beyond the axis: a × on the edge it lies beyond, labelled with its value; on the axis: none.
  const side = c > hi ? 'above' : c < lo ? 'below' : undefined;
  check(
    (a.estimateEdge ?? '') === (side ? `${side}:${c}` : ''),
    `${label}: estimated c ${c.toPrecision(4)} ${side ? `${side} the axis: × on its edge (${a.estimateEdge})` : `on the axis [${lo}, ${hi}]: no edge mark (${a.estimateEdge ?? 'none'})`}`,
  );
  check(
    ticks.length >= 3 &&
      ticks[0] === lo &&
      ticks[ticks.length - 1] === hi &&
      roundStep(step) &&
      steps.every((s) => Math.abs(s - step) < 1e-9 * Math.max(1, Math.abs(step))) &&
      ticks.every((t) => Math.abs(t / step - Math.round(t / step)) < 1e-6),
    `${label}: round ticks from end to end (${ticks.join(', ')})`,
  );
  const want = stretchesBeyond(values, lo, hi);
  const marks = (a.clipped ?? '').split(';').filter(Boolean);
  check(
    marks.length === want &&
      marks.every((m) => {
        const [side, , v] = m.split(':');
        return side === 'above' ? Number(v) > hi : Number(v) < lo;
      }),
    `${label}: one ▲/▼ mark per stretch the axis cuts off: ${marks.length} = ${want} (${marks.slice(0, 4).join('; ')}${marks.length > 4 ? '; …' : ''})`,
  );
  const [ce, x0, x1, kind] = (a.estimate ?? '').split(',');
  const region = result.config.stages[stage]!.init ?? result.config.init;
  const inRegion = values.filter((_, i) => {
    const x = result.landscape.x[i]!;
    return x >= region.low[0]! && x <= region.high[0]! && Number.isFinite(values[i]!);
  });
  const curveMin = Math.min(...inRegion);
  check(
    Number(ce) === c &&
      Number(x0) === region.low[0] &&
      Number(x1) === region.high[0] &&
      (kind === 'inf' ? Math.abs(c - curveMin) <= 1e-9 * Math.max(1, Math.abs(c)) : c < curveMin),
    `${label}: the estimated c ${ce} (Theorem 1's c of stage ${stage + 1}: ${c}) drawn over its start region [${x0}, ${x1}], ${kind === 'inf' ? "at the curve's least value there" : 'below the curve (mean-value bound)'} (curve min ${curveMin})`,
  );
}

export async function issue13Harness({ open, post, drawn, charts, check, outDir }: Issue13Harness): Promise<void> {
  // ---- Figure 3, four stages (1-D) ----
  const fig = figure3Stages();
  const figView = toViewResult(fig, 'run-figure3-stages');
  for (const theme of THEMES) {
    const t = theme.replace('vscode-', '');
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: figView });
    const d = await drawn(p, charts);
    check(
      charts.every((id) => d[id]!.drawn === 'true'),
      `figure3 4 stages ${theme}: every chart drawn`,
    );
    // The selector names the stages; the first is picked; the others drawn faint behind it.
    const options = await p
      .getByTestId('convexity-radius')
      .evaluate((el) => [...el.querySelectorAll('vscode-option')].map((o) => o.textContent?.trim() ?? ''));
    check(
      options.length === 4 && options.every((o, k) => o.startsWith(`stage ${k + 1}: c(y) for radius ${fig.config.stages[k]!.radius}`)),
      `figure3 4 stages ${theme}: the c(y) selector names the four stages (${options.join(' | ')})`,
    );
    await checkCurve(p, fig, 0, `figure3 ${theme} stage 1`, check);
    // x* = 0 as the file states it, where the run's g is lowest elsewhere: said as a fact of the digitised f.
    const off = fig.diagnostics.convexity.filter((m) => m.radius > 0 && m.xStarCheck && !m.xStarCheck.minimises);
    const convexityWords = (await p.getByTestId('convexity-text').textContent()) ?? '';
    const stated = convexityWords.slice(convexityWords.indexOf('The x* = 0 shown'));
    check(
      fig.diagnostics.xStarSource === 'user' &&
        off.length > 0 &&
        stated.startsWith('The x* = 0 shown is the minimiser the loss file states') &&
        stated.includes(
          `smoothed at ${off.length === 1 ? 'radius' : 'radii'} ${off
            .map((m) => formatNumber(m.radius))
            .join(', ')
            .replace(/, ([^,]*)$/, ' and $1')} is lowest elsewhere`,
        ) &&
        off.every((m) => stated.includes(`radius ${formatNumber(m.radius)}: g(${formatPoint(m.xStarCheck!.argMin)})`)) &&
        stated.includes('a fact of f as given') &&
        stated.includes('not an error of the run'),
      `figure3 4 stages ${theme}: x* = 0 is not g's minimiser at radius ${off.map((m) => m.radius).join(', ')}, said as a fact of f: ${stated.slice(0, 200)}…`,
    );
    await p.getByTestId('convexity-text').screenshot({ path: join(outDir, `panel-example-figure3-xstar-words-${t}.png`) });
    await p.getByTestId('chart-convexity').screenshot({ path: join(outDir, `panel-example-figure3-cy-stage1-${t}.png`) });
    // Theorem 1 in plain words: per stage which condition fails or what it predicts, never only a bound.
    const words = await p.getByTestId('theorem1').locator('li').allTextContents();
    check(
      words.length === 4 &&
        words.every((w, k) => w.startsWith(`Stage ${k + 1} (η 0.01, radius ${fig.config.stages[k]!.radius}): Theorem 1`)) &&
        words.every((w) => !/needs η < [\d.e-]+$/.test(w) && /because|so |fails|would take|holds|The run anyway/.test(w)),
      `figure3 4 stages ${theme}: Theorem 1 in words per stage (${words[0]?.slice(0, 160)}…)`,
    );
    // 1-D bars of SGD and GD side by side (one bar per method per bin, no overlap).
    const bars = await p.getByTestId('chart-histogram').getAttribute('data-points');
    const kept = fig.methods.reduce((n, m) => n + m.finals.filter((_, i) => !m.divergedMask[i]).length, 0);
    check(Number(bars) <= kept && Number(bars) > 0, `figure3 4 stages ${theme}: histogram of the finals drawn (${bars} of ${kept})`);
    check(
      fig.sgd.snapshotSteps.length >= 2 && (await p.getByTestId('where-snapshots').isHidden()),
      `figure3 4 stages ${theme}: the run keeps ${fig.sgd.snapshotSteps.length} snapshots, so no note on why it has none`,
    );
    await p.screenshot({ path: join(outDir, `panel-example-figure3-stages-${t}.png`), fullPage: true });
    if (theme === 'vscode-dark') {
      // Each stage picked in turn: the axis and marks follow the picked curve.
      for (const k of [1, 2, 3]) {
        await p.getByTestId('convexity-radius').evaluate((el: HTMLElement & { value: string }, v) => {
          el.value = String(v);
          el.dispatchEvent(new Event('change'));
        }, k);
        await p.waitForFunction(
          (k) => document.querySelector('[data-testid="chart-convexity"]')?.getAttribute('data-curve') === String(k),
          k,
          { timeout: 10_000 },
        );
        await checkCurve(p, fig, k, `figure3 dark stage ${k + 1}`, check);
        await p.getByTestId('chart-convexity').screenshot({ path: join(outDir, `panel-example-figure3-cy-stage${k + 1}.png`) });
      }
    }
    check(errors.length === 0, `figure3 4 stages ${theme}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }

  // ---- Rosenbrock at the old fixed defaults: every trial diverges ----
  const { gradient: _gradient, ...options } = rosenbrockOptions;
  const config = resolveConfig(
    {
      function: 'rosenbrock',
      trials: 100,
      seed: 'issue13',
      resolution: 81,
      stages: [{ lr: 0.01, radius: 0.3, noise: 'uniform', steps: 1000 }],
    } as RunConfigInput,
    { dim: 2, options },
  );
  const ros = runExperiment((q) => rosenbrock(q[0]!, q[1]!), undefined, config);
  const advice = ros.diagnostics.divergence;
  check(
    ros.methods.every((m) => m.diverged === 100) && !!advice && advice.stepTooLarge,
    `rosenbrock η 0.01: every trial of every method diverged (${ros.methods.map((m) => `${m.name} ${m.diverged}`).join(', ')}), the engine blames the step (η·L₉₀ = ${advice ? (advice.lr * advice.L).toFixed(1) : '?'})`,
  );
  // The η to try is stable where f is curved as L₉₀ says (η·L₉₀ < 2) and smaller than the one that failed.
  check(
    !!advice?.suggestedLr && advice.suggestedLr * advice.L < 2 && advice.suggestedLr < 0.01,
    `rosenbrock η 0.01: suggested η ${advice?.suggestedLr} × L₉₀ ${advice?.L.toFixed(0)} = ${advice?.suggestedLr ? (advice.suggestedLr * advice.L).toFixed(2) : '?'} < 2`,
  );
  const rosView = toViewResult(ros, 'run-rosenbrock-diverged');
  for (const theme of THEMES) {
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: rosView });
    await drawn(p, charts);
    const summary = (await p.getByTestId('summary').textContent()) ?? '';
    const lrText = formatNumber(advice!.suggestedLr!);
    check(
      summary.includes('Most trials diverged (SGD 100 of 100, GD 100 of 100). Likely cause: the step is too large') &&
        summary.includes(`Try η ≈ ${lrText}`),
      `rosenbrock diverged ${theme}: the summary says most diverged, why, and η ≈ ${lrText} (${summary.slice(summary.indexOf('Most'), summary.indexOf('Most') + 80)}…)`,
    );
    const notes = await p.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid^="empty-chart-"]')]
          .filter((e) => !(e as HTMLElement).hidden)
          .map((e) => [e.getAttribute('data-testid')!.replace('empty-', ''), e.textContent ?? '']),
      ),
    );
    check(
      /^All 100 SGD and all 100 GD trials diverged/.test(notes['chart-histogram'] ?? '') &&
        /^All 100 SGD and all 100 GD trials diverged/.test(notes['chart-finals'] ?? ''),
      `rosenbrock diverged ${theme}: the finals and density say why they are empty (${notes['chart-histogram']?.slice(0, 80)}…)`,
    );
    check(errors.length === 0, `rosenbrock diverged ${theme}: no console errors ${errors.join(' | ')}`);
    await p.screenshot({ path: join(outDir, `panel-example-rosenbrock-diverged-${theme.replace('vscode-', '')}.png`), fullPage: true });
    await p.close();
  }

  // ---- Rosenbrock smoothed at radius 0.6: alone f would take a log scale and g a linear one ----
  const rosWide = runExperiment(
    (q) => rosenbrock(q[0]!, q[1]!),
    undefined,
    resolveConfig(
      {
        function: 'rosenbrock',
        trials: 20,
        seed: 'issue13',
        resolution: 61,
        stages: [{ lr: 0.0001, radius: 0.6, noise: 'uniform', steps: 200 }],
      } as RunConfigInput,
      { dim: 2, options },
    ),
  );
  const alone = [autoScale(rosWide.landscape.f.flat()), ...rosWide.landscape.smoothed.map((m) => autoScale(m.values.flat()))];
  for (const theme of THEMES) {
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: toViewResult(rosWide, 'run-rosenbrock-radius-0.6') });
    await drawn(p, charts);
    const scales = await p.getByTestId('chart-landscape').getAttribute('data-color-scale');
    const auto = await p.getByTestId('color-scale').evaluate((el) => el.querySelector('vscode-option')?.textContent ?? '');
    check(
      alone.join(',') === 'log,linear' && scales === 'log,log' && /auto \(log\)/.test(auto),
      `rosenbrock radius 0.6 ${theme}: f and g on one scale (${scales}; alone they would take ${alone.join(', ')}; the control says "${auto}")`,
    );
    await p
      .locator('section.card', { has: p.getByTestId('chart-landscape') })
      .screenshot({ path: join(outDir, `panel-example-rosenbrock-one-scale-${theme.replace('vscode-', '')}.png`) });
    check(errors.length === 0, `rosenbrock radius 0.6 ${theme}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }

  // ---- Himmelblau 2-D, SGD and GD, 6400 trials: too many to keep every trial's position over time ----
  const { gradient: _hg, ...hOptions } = himmelblauOptions;
  const hConfig = resolveConfig(
    {
      function: 'himmelblau',
      trials: 6400,
      seed: 'issue13',
      resolution: 81,
      stages: [{ lr: 0.002, radius: 0.3, noise: 'uniform', steps: 300 }],
    } as RunConfigInput,
    { dim: 2, options: hOptions },
  );
  const him = runExperiment((q) => himmelblau(q[0]!, q[1]!), undefined, hConfig);
  const himView = toViewResult(him, 'run-himmelblau-6400');
  const why = whyNoSnapshots(himView, false);
  const L2 = him.landscape;
  const insideOf = (k: number) =>
    him.methods[k]!.finals.filter(
      (y, i) => !him.methods[k]!.divergedMask[i] && y.every((v, j) => v >= hConfig.domain.low[j]! && v <= hConfig.domain.high[j]!),
    );
  const sgdInside = insideOf(0);
  const gdInside = insideOf(1);
  check(
    him.sgd.snapshotSteps.length === 0 && !!why && why.includes('6,400 trials × d = 2 × 2 methods = 25,600 numbers'),
    `himmelblau 6400 trials: no snapshots kept, and the rule says why (${why?.slice(0, 140)}…)`,
  );
  for (const theme of THEMES) {
    const t = theme.replace('vscode-', '');
    const { p, errors } = await open('panel', theme);
    await post(p, { status: { kind: 'idle' }, runs: [], current: himView });
    const d = await drawn(p, charts);
    check(
      charts.every((id) => d[id]!.drawn === 'true'),
      `himmelblau 6400 ${theme}: every chart drawn`,
    );
    // The slider moved before the end: the finals and their density stay at the end, and the card says why.
    await p.getByTestId('time-slider').evaluate((el: HTMLInputElement) => {
      el.value = String(Math.floor(Number(el.max) / 3));
      el.dispatchEvent(new Event('input'));
    });
    const label = await p.getByTestId('time-label').textContent();
    const note = p.getByTestId('where-snapshots');
    const words = (await note.isVisible()) ? ((await note.textContent()) ?? '') : '';
    const where = await p.getByTestId('chart-histogram').getAttribute('data-where');
    check(
      /^step \d+ \/ 300$/.test(label ?? '') &&
        !label!.startsWith('step 300') &&
        where === 'end' &&
        words === `These charts show the finals only. ${why}`,
      `himmelblau 6400 ${theme}: slider at ${label}: the density shows the ${where}, and the card says why: ${words.slice(0, 100)}…`,
    );
    await p
      .locator('section.card', { has: p.getByTestId('chart-histogram') })
      .screenshot({ path: join(outDir, `panel-example-himmelblau-no-snapshots-${t}.png`) });
    // GD's finals sit on the four exact minima inside SGD's clouds: drawn on top, outlined, so the
    // pixel at each distinct GD final is GD's colour, not SGD's.
    const colors = theme.includes('light') ? METHOD_COLORS.light : METHOD_COLORS.dark;
    const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
    const gdSpots = [...new Map(gdInside.map((y) => [y.map((v) => v.toFixed(2)).join(','), y])).values()];
    const pixels = await p.getByTestId('chart-finals').evaluate(
      (c: HTMLCanvasElement, { spots, x0, x1, y0, y1 }) => {
        const [left, top, w, h] = (c.dataset.plotArea ?? '').split(';')[0]!.split(',').map(Number) as [number, number, number, number];
        const r = c.width / c.getBoundingClientRect().width;
        const ctx = c.getContext('2d')!;
        return spots.map(([x, y]) => [
          ...ctx.getImageData(
            Math.round((left + ((x! - x0) / (x1 - x0)) * w) * r),
            Math.round((top + (1 - (y! - y0) / (y1 - y0)) * h) * r),
            1,
            1,
          ).data,
        ]);
      },
      { spots: gdSpots, x0: L2.x[0]!, x1: L2.x[L2.x.length - 1]!, y0: L2.y![0]!, y1: L2.y![L2.y!.length - 1]! },
    );
    const gdColour = pixels.filter((q) => dist(q, hex(colors[1])) < 40 && dist(q, hex(colors[1])) < dist(q, hex(colors[0]))).length;
    check(
      gdSpots.length >= 4 && gdColour === gdSpots.length,
      `himmelblau 6400 ${theme}: GD's finals over SGD's: ${gdColour} of the ${gdSpots.length} distinct GD finals show GD's colour ${colors[1]} (pixels ${pixels.map((q) => q.slice(0, 3).join('/')).join(' ')})`,
    );
    await p.getByTestId('chart-finals').screenshot({ path: join(outDir, `panel-example-himmelblau-finals-gd-on-top-${t}.png`) });
    // Every density is one method's finals alone: SGD's (the default), GD's when picked, each in its column side by side.
    const pick = async (id: string, value: string) =>
      p.getByTestId(id).evaluate((el: HTMLElement & { value: string }, v) => {
        el.value = v;
        el.dispatchEvent(new Event('change'));
      }, value);
    const densities = () => p.getByTestId('chart-histogram').getAttribute('data-densities');
    const wantS = `SGD:${sgdInside.length}`;
    const wantG = `GD:${gdInside.length}`;
    const first = await densities();
    await pick('density-method', '1');
    await p
      .waitForFunction((w) => document.querySelector('[data-testid="chart-histogram"]')?.getAttribute('data-densities') === w, wantG, {
        timeout: 10_000,
      })
      .catch(() => undefined);
    const second = await densities();
    await pick('methods-layout', 'columns');
    await p
      .waitForFunction(
        (w) => document.querySelector('[data-testid="chart-histogram"]')?.getAttribute('data-densities') === w,
        `${wantS};${wantG}`,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const both = await densities();
    check(
      first === wantS && second === wantG && both === `${wantS};${wantG}`,
      `himmelblau 6400 ${theme}: one density per method: overlaid ${first} (want ${wantS}), GD picked ${second} (want ${wantG}), side by side ${both}`,
    );
    await p
      .locator('section.card', { has: p.getByTestId('chart-histogram') })
      .screenshot({ path: join(outDir, `panel-example-himmelblau-density-per-method-${t}.png`) });
    check(errors.length === 0, `himmelblau 6400 ${theme}: no console errors ${errors.join(' | ')}`);
    await p.close();
  }
}
