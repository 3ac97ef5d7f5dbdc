/**
 * E2E harness: a real VS Code (code-server) with the packaged extension installed, driven by a
 * headless Chromium through playwright-core.
 *
 * Each `launchVsCode` gets fresh temp folders (user data, extensions, code-server config), installs
 * the .vsix, starts code-server in its own process group (setsid) on a free loopback port, opens
 * the workspace in Chromium and waits for the workbench. `close()` ends the browser and the whole
 * process group and removes the temp folders.
 *
 * The tools (Node 24, code-server, chromium) come from scripts/tools.sh, which installs them on
 * first use into a cache folder outside the repo.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const REPO = resolve(dirname(new URL(import.meta.url).pathname), '../..');
export const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');

export interface Tools {
  toolsDir: string;
  node24: string;
  /** code-server's JS entry point (run it with `node24`). */
  codeServer: string;
  chromium: string;
}

let toolsCache: Tools | undefined;

/** Paths of the tools, installing them on first use (scripts/tools.sh is idempotent and fast when cached). */
export function tools(): Tools {
  if (toolsCache) return toolsCache;
  const out = execFileSync('bash', [join(REPO, 'scripts/tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const kv = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const get = (k: string): string => {
    const v = kv.get(k);
    if (!v) throw new Error(`scripts/tools.sh did not print ${k}`);
    return v;
  };
  toolsCache = {
    toolsDir: get('SGD_TOOLS_DIR'),
    node24: get('SGD_NODE24'),
    codeServer: get('SGD_CODE_SERVER'),
    chromium: get('SGD_CHROMIUM'),
  };
  return toolsCache;
}

/** The .vsix under test: $SGD_E2E_VSIX, else sgd-landscape-<version>.vsix at the repo root (built by `npm run package`). */
export function vsixPath(): string {
  const fromEnv = process.env.SGD_E2E_VSIX;
  if (fromEnv) return resolve(fromEnv);
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
  const p = join(REPO, `${pkg.name}-${pkg.version}.vsix`);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run package\` first (npm run test:e2e does)`);
  return p;
}

/** Temp folders made by this process (workspace copies, CLI runs), removed when it exits. */
const tempDirs: string[] = [];
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temp folder removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

/** A fresh copy of the repo's examples/ folder in a temp dir (the tests may write into it). */
export function copyExamples(): string {
  const dir = tempDir('sgd-e2e-ws-');
  const ws = join(dir, 'examples');
  cpSync(join(REPO, 'examples'), ws, { recursive: true });
  return ws;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface LaunchOptions {
  /** Folder opened in the window. */
  workspace: string;
  /** Default true: pass --disable-workspace-trust. False: the folder opens with trust enabled and is NOT trusted. */
  trusted?: boolean;
  /** Extra user settings merged over the defaults. */
  settings?: Record<string, unknown>;
  /** The extension package; default `vsixPath()`. */
  vsix?: string;
  /** Folder holding an unpacked extension, for harness self-tests (instead of a vsix). */
  extensionDevelopmentPath?: string;
  viewport?: { width: number; height: number };
}

/**
 * Settings that keep screenshots about the extension: no welcome page, no chat or Copilot, no
 * tips, no telemetry prompts, no git toasts. One list for the e2e suite and scripts/start.sh:
 * scripts/vscode-settings.json.
 */
export const CLEAN_SETTINGS = JSON.parse(readFileSync(join(REPO, 'scripts', 'vscode-settings.json'), 'utf8')) as Record<string, unknown>;

export class VsCode {
  private closed = false;
  readonly log: string;

  private constructor(
    readonly page: Page,
    readonly browser: Browser,
    readonly server: ChildProcess,
    readonly port: number,
    readonly workspace: string,
    readonly tmp: string,
  ) {
    this.log = join(tmp, 'code-server.log');
  }

  static async launch(opts: LaunchOptions): Promise<VsCode> {
    const t = tools();
    const tmp = mkdtempSync(join(tmpdir(), 'sgd-e2e-vscode-'));
    const userData = join(tmp, 'user-data');
    const extDir = join(tmp, 'extensions');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(extDir, { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...CLEAN_SETTINGS, ...opts.settings }, null, 2));
    const port = await freePort();
    const config = join(tmp, 'config.yaml');
    writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const env = {
      ...process.env,
      PATH: `${dirname(t.node24)}:${process.env.PATH ?? ''}`,
      // Keep code-server's own state (config, logs, sessions) inside the temp folder.
      XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
      XDG_DATA_HOME: join(tmp, 'xdg-data'),
      XDG_CACHE_HOME: join(tmp, 'xdg-cache'),
    };
    const base = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extDir];

    if (!opts.extensionDevelopmentPath) {
      execFileSync(t.node24, [t.codeServer, ...base, '--install-extension', opts.vsix ?? vsixPath()], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    }

    const logPath = join(tmp, 'code-server.log');
    const logFd = openSync(logPath, 'a');
    const args = [
      t.codeServer,
      ...base,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      ...(opts.trusted === false ? [] : ['--disable-workspace-trust']),
      ...(opts.extensionDevelopmentPath ? ['--extensionDevelopmentPath', opts.extensionDevelopmentPath] : []),
      opts.workspace,
    ];
    // detached: its own session and process group (setsid), so close() can end code-server's children too.
    const server = spawn(t.node24, args, { env, detached: true, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);

    let browser: Browser | undefined;
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, server, logPath);
      browser = await chromium.launch({
        executablePath: t.chromium,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
          '--disable-breakpad',
        ],
        // Chromium's own files (crash-report settings) stay in the temp folder, not in ~/.config.
        env: { ...process.env, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME, XDG_CACHE_HOME: env.XDG_CACHE_HOME },
      });
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
      const page = await context.newPage();
      const vs = new VsCode(page, browser, server, port, opts.workspace, tmp);
      await page.goto(vs.url(), { waitUntil: 'domcontentloaded' });
      await vs.waitForWorkbench();
      return vs;
    } catch (e) {
      await browser?.close().catch(() => {});
      killGroup(server);
      throw new Error(`${(e as Error).message}\n--- code-server log ---\n${tail(logPath)}`);
    }
  }

  url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  async waitForWorkbench(timeout = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
    // The status bar is drawn once the workbench has restored its parts.
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout });
  }

  /**
   * Run a command by its title through the command palette (F1), as a user would: type the title,
   * and when the palette puts another command first (a longer title it ranks higher, e.g.
   * "Preferences: Browse Color Themes in Marketplace" above "Preferences: Color Theme"), go down
   * to the one asked for.
   */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickInput('>');
    await input.fill(`>${title}`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows
      .filter({ hasText: title })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 })
      .catch(async () => {
        throw new Error(`command "${title}" not found in the palette; rows: ${JSON.stringify(await rows.allInnerTexts())}`);
      });
    // The focused row must be exactly the command asked for (not a longer title that contains it).
    const focused = this.page.locator('.quick-input-list .monaco-list-row.focused .label-name');
    for (let down = 0; ; down++) {
      const label = (await focused.first().innerText()).trim();
      if (label === title) break;
      if (down === 8) throw new Error(`palette would run "${label}", not "${title}"; rows: ${JSON.stringify(await rows.allInnerTexts())}`);
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => {});
  }

  /** Open a workspace file (path relative to the workspace) through Quick Open and wait for its editor. */
  async openFile(relPath: string): Promise<void> {
    const name = basename(relPath);
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: name });
    // Quick Open lists files from code-server's file search, whose first query on a loaded
    // machine can come back empty or late: ask again (a fresh query) rather than wait longer.
    for (let attempt = 1; ; attempt++) {
      const input = await this.openQuickInput('');
      await input.fill(relPath);
      try {
        await row.first().waitFor({ state: 'visible', timeout: 20_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    await this.page.keyboard.press('Enter');
    await this.page
      .locator(`.tabs-container .tab.active[aria-label*="${name}"], .tabs-container .tab.active:has-text("${name}")`)
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Choose an item of an open quick pick (e.g. "Run SGD on which function?") by its label. */
  async pickQuickItem(label: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(label);
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused');
    await row.filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 });
    const got = (await row.first().locator('.label-name').first().innerText()).trim();
    if (got !== label) throw new Error(`quick pick would choose "${got}", not "${label}"`);
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => {});
  }

  /** The rendered editor line (in the active editor) whose text contains `text`. */
  editorLine(text: string): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').filter({ hasText: text }).first();
  }

  /**
   * The CodeLens link titled `title` (text match, codicons ignored) that sits directly above the
   * editor line containing `lineText` — the lens of that function.
   */
  async codeLensAbove(lineText: string, title: string, timeout = 30_000): Promise<Locator> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const line = this.editorLine(lineText);
      const lineBox = (await line.count()) ? await line.boundingBox() : null;
      const lenses = this.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a').filter({ hasText: title });
      const n = await lenses.count();
      let best: { i: number; gap: number } | undefined;
      if (lineBox) {
        for (let i = 0; i < n; i++) {
          const box = await lenses.nth(i).boundingBox();
          if (!box) continue;
          const gap = lineBox.y - (box.y + box.height);
          if (gap >= -2 && gap < lineBox.height && (!best || gap < best.gap)) best = { i, gap };
        }
      }
      if (best) return lenses.nth(best.i);
      if (Date.now() > deadline) {
        const all = await this.page.locator('.codelens-decoration').allInnerTexts();
        throw new Error(`no CodeLens "${title}" above the line with "${lineText}"; lenses shown: ${JSON.stringify(all)}`);
      }
      await sleep(250);
    }
  }

  /**
   * Whether the window is in Restricted Mode (untrusted workspace), read from the status bar
   * (which shows "Restricted Mode" a moment after the workbench appears; waits up to `timeout`).
   */
  async isRestrictedMode(timeout = 15_000): Promise<boolean> {
    return this.page
      .locator('.part.statusbar')
      .getByText('Restricted Mode', { exact: true })
      .first()
      .waitFor({ state: 'visible', timeout })
      .then(
        () => true,
        () => false,
      );
  }

  get userDataDir(): string {
    return join(this.tmp, 'user-data');
  }

  private async openQuickInput(prefix: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        // Seconds on a loaded machine (software-rendered Chromium sharing the cores).
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch {
        // The workbench may not have keyboard focus yet: focus the editor area and retry.
        await this.page
          .locator('.part.editor')
          .click({ position: { x: 5, y: 5 } })
          .catch(() => {});
      }
    }
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(prefix);
    return input;
  }

  /** Outer `iframe.webview` elements currently in the page. */
  webviewFrames(): Locator {
    return this.page.locator('iframe.webview');
  }

  /**
   * The webview whose document contains `selector` (e.g. `[data-testid="summary"]` for the panel,
   * a side-panel control for the side panel). Several webviews may exist (panel, side panel); this
   * polls them all until one matches.
   */
  async webview(selector: string, timeout = 30_000): Promise<FrameLocator> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const outer = this.webviewFrames();
      const n = await outer.count();
      for (let i = 0; i < n; i++) {
        const frame = outer.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
        const hits = await frame
          .locator(selector)
          .count()
          .catch(() => 0);
        if (hits > 0) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview contains ${selector} (${n} webviews in the page)`);
      await sleep(250);
    }
  }

  /** Texts of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Wait for a notification whose text matches, and return its text. */
  async waitForNotification(re: RegExp, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const texts = await this.notifications();
      const hit = texts.find((t) => re.test(t));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no notification matching ${re}; shown: ${JSON.stringify(texts)}`);
      await sleep(200);
    }
  }

  /** Save a screenshot of the whole window as test-artifacts/e2e/<name>.png and return its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const p = join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: p });
    return p;
  }

  /** Reload the window as a user would ("Developer: Reload Window") and wait for the workbench. */
  async reloadWindow(): Promise<void> {
    await Promise.all([this.page.waitForEvent('load', { timeout: 60_000 }), this.runCommand('Developer: Reload Window')]);
    await this.waitForWorkbench();
  }

  serverLog(): string {
    return tail(this.log, 20_000);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch(() => {});
    await killGroup(this.server);
    rmSync(this.tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** End a process group started with detached: true: SIGTERM, then SIGKILL after a grace period. */
export async function killGroup(proc: ChildProcess, graceMs = 3_000): Promise<void> {
  if (proc.pid === undefined) return;
  const pgid = proc.pid;
  const alive = (): boolean => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

async function waitForHttp(url: string, timeout: number, proc: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer ${url} within ${timeout} ms (log: ${logPath})`);
    await sleep(150);
  }
}

function tail(path: string, max = 4000): string {
  try {
    const s = readFileSync(path, 'utf8');
    return s.length > max ? s.slice(-max) : s;
  } catch {
    return '(no log)';
  }
}
