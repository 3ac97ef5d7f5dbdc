/**
 * SGD Landscape specifics for the e2e tests: the panel's DOM hooks (data-testid, see
 * webview/panel/main.ts), the results the extension stores, and the CLI for comparison.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator } from 'playwright-core';
import type { ExperimentResult } from '../../src/engine/types';
import { fromResultFile, type ResultFile } from '../../src/engine/resultFile';
import { REPO, tempDir, type VsCode } from './harness';

export const CMD = {
  run: 'SGD Landscape: Run SGD on function',
  gdVsSgd: 'SGD Landscape: Run GD vs SGD',
  rerun: 'SGD Landscape: Re-run last experiment',
  stop: 'SGD Landscape: Stop',
  export: 'SGD Landscape: Export results',
  openExamples: 'SGD Landscape: Open examples',
} as const;

export const tid = (id: string): string => `[data-testid="${id}"]`;

/** The landscape panel's webview (it holds `panel-root`). */
export function panel(vs: VsCode, timeout = 60_000): Promise<FrameLocator> {
  return vs.webview(tid('panel-root'), timeout);
}

export interface PanelRun {
  /** data-run: id of the run on screen. */
  run: string;
  label: string;
  summary: string;
  status: string;
}

/** What the panel shows now (run key empty when no result is on screen). */
export async function readPanel(frame: FrameLocator): Promise<PanelRun> {
  // Read in one turn of the page's script: attribute by attribute, a run that finishes between two
  // reads gave the live summary ("running — …") together with the finished run's status.
  // (No named helper inside: tsx wraps named functions in __name, which the page does not have.)
  return frame.locator(tid('panel-root')).evaluate((root) => ({
    run: root.getAttribute('data-run') ?? '',
    label: (root.ownerDocument.querySelector('[data-testid="run-label"]')?.textContent ?? '').trim(),
    summary: (root.ownerDocument.querySelector('[data-testid="summary"]')?.textContent ?? '').trim(),
    status: root.getAttribute('data-status') ?? '',
  }));
}

/**
 * Wait until the panel shows a finished run different from `previousRun` (status idle) and return
 * it. Fails early with the error banner's text when the run fails.
 */
export async function waitForNewRun(vs: VsCode, previousRun = '', timeout = 120_000): Promise<{ frame: FrameLocator; shown: PanelRun }> {
  const deadline = Date.now() + timeout;
  const frame = await panel(vs, timeout);
  for (;;) {
    const shown = await readPanel(frame).catch(() => undefined);
    if (shown && shown.run && shown.run !== previousRun && shown.status === 'idle' && shown.summary) return { frame, shown };
    if (shown?.status === 'error') {
      throw new Error(`run failed: ${await frame.locator(tid('error')).textContent()}`);
    }
    if (Date.now() > deadline) throw new Error(`no new run on the panel within ${timeout} ms; panel: ${JSON.stringify(shown)}`);
    await sleep(250);
  }
}

export interface ChartState {
  drawn: boolean;
  points: number;
  width: number;
  height: number;
  error?: string;
}

export async function chartState(frame: FrameLocator, id: string): Promise<ChartState> {
  return frame.locator(tid(id)).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    return {
      drawn: c.dataset.drawn === 'true',
      points: Number(c.dataset.points ?? 0),
      width: r.width,
      height: r.height,
      ...(c.dataset.error ? { error: c.dataset.error } : {}),
    };
  });
}

/** Fraction of pixels of a canvas that are not transparent/background-uniform, and a digest of its pixels. */
export async function canvasPixels(frame: FrameLocator, id: string): Promise<{ digest: string; inked: number }> {
  const { data, inked } = await frame.locator(tid(id)).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) return { data: '', inked: 0 };
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    // "Inked": differs from the top-left pixel (the chart background).
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2] || px[i + 3] !== px[3]) n++;
    }
    return { data: c.toDataURL('image/png'), inked: n / (px.length / 4) };
  });
  return { digest: createHash('sha256').update(data).digest('hex').slice(0, 16), inked };
}

/** Results the extension stored for this window's workspace (context.storageUri), newest first. */
export function storedResults(vs: VsCode): ExperimentResult[] {
  const ws = join(vs.userDataDir, 'User', 'workspaceStorage');
  const out: Array<{ r: ExperimentResult; t: string }> = [];
  if (!existsSync(ws)) return [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && e.name !== 'index.json') {
        const file = JSON.parse(readFileSync(p, 'utf8')) as ResultFile;
        if (file && file.version === 3 && file.config) {
          const r = fromResultFile(file);
          out.push({ r, t: r.startedAt });
        }
      }
    }
  };
  for (const h of readdirSync(ws)) {
    const dir = join(ws, h, 'sgd-landscape.sgd-landscape');
    if (existsSync(dir)) walk(dir);
  }
  return out.sort((a, b) => (a.t < b.t ? 1 : a.t > b.t ? -1 : 0)).map((x) => x.r);
}

/** The request of the last run started in this window's workspace (runs/index.json), if any. */
export function storedRequest(vs: VsCode): unknown {
  const ws = join(vs.userDataDir, 'User', 'workspaceStorage');
  if (!existsSync(ws)) return undefined;
  const found: unknown[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'index.json') {
        const index = JSON.parse(readFileSync(p, 'utf8')) as { lastRequest?: unknown };
        if (index.lastRequest !== undefined) found.push(index.lastRequest);
      }
    }
  };
  for (const h of readdirSync(ws)) {
    const dir = join(ws, h, 'sgd-landscape.sgd-landscape');
    if (existsSync(dir)) walk(dir);
  }
  return found[0];
}

/** `node dist/cli.js run FILE --config RUN.json --out RESULT.json` with the given config. */
export function runCli(file: string, config: unknown): ExperimentResult {
  const dir = tempDir('sgd-e2e-cli-');
  const cfg = join(dir, 'RUN.json');
  const out = join(dir, 'RESULT.json');
  writeFileSync(cfg, JSON.stringify(config, null, 2));
  execFileSync(process.execPath, [join(REPO, 'dist/cli.js'), 'run', file, '--config', cfg, '--out', out, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  return fromResultFile(JSON.parse(readFileSync(out, 'utf8')) as ResultFile);
}

/** 1-based line of the first line of `file` containing `text`. */
export function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`"${text}" not in ${file}`);
  return i + 1;
}

/** Poll `read` until `ok(value)` holds (then return it) or fail after `timeout` with the last value. */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    let v: T | undefined;
    let err: unknown;
    try {
      v = await read();
      if (ok(v)) return v;
    } catch (e) {
      err = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not met within ${timeout} ms (last value ${JSON.stringify(v)}${err ? `, error ${String(err)}` : ''})`);
    }
    await sleep(200);
  }
}
