/**
 * Scenario 10 (issue 13, "Colours and themes"): one 2-D run (`himmelblau`) with the side panel open,
 * seen in VS Code's default light theme (Light 2026), Dark Modern, Dark 2026 (the default dark),
 * Dark High Contrast and Light High Contrast, each picked in "Preferences: Color Theme" as a user
 * does, in one VS Code: the webviews follow
 * the theme (body class, the panel's data-theme), the charts are drawn again, and for each theme:
 *   - screenshots of the panel's top (summary, the 2-D maps) beside the side panel, of "Where
 *     trials end" (density and finals) and of the "Landscape in 3-D" card (WebGL);
 *   - every palette colour of the theme's set has WCAG non-text contrast ≥ 3:1 on the editor
 *     background the real theme gives the webview (the unit test checks the list of backgrounds;
 *     this checks that list against VS Code);
 *   - the controls are readable: a secondary button's and a dropdown's text against their own
 *     background ≥ 4.5:1, also while hovered, and in the high-contrast themes their border against
 *     the page ≥ 3:1 (media/*.css gives @vscode-elements the colours VS Code leaves undefined there);
 *   - the theme variables the webviews read are saved as test-artifacts/e2e/10-vars-<theme>.json
 *     (the webview harness's test/webview-harness/theme.css copies them).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { BACKGROUNDS, METHOD_COLORS, ROLE_COLORS, colorSet } from '../../webview/shared/palette';
import type { Theme } from '../../webview/shared/theme';
import { ARTIFACTS, VsCode, copyExamples } from './harness';
import { CMD, canvasPixels, chartState, eventually, tid, waitForNewRun } from './sgd';

interface ThemeCase {
  /** The theme's id, the value of `workbench.colorTheme`… */
  id: string;
  /** …and its name in the Color Theme picker. */
  label: string;
  slug: string;
  kind: Theme['kind'];
  /** Class of `.monaco-workbench` and of the webviews' body. */
  workbench: string;
  body: string;
}

const THEMES: ThemeCase[] = [
  { id: 'Light 2026', label: 'Light 2026', slug: 'light-2026', kind: 'light', workbench: 'vs', body: 'vscode-light' },
  { id: 'Dark Modern', label: 'Dark Modern', slug: 'dark-modern', kind: 'dark', workbench: 'vs-dark', body: 'vscode-dark' },
  { id: 'Dark 2026', label: 'Dark 2026', slug: 'dark-2026', kind: 'dark', workbench: 'vs-dark', body: 'vscode-dark' },
  {
    id: 'Default High Contrast',
    label: 'Dark High Contrast',
    slug: 'hc-dark',
    kind: 'high-contrast',
    workbench: 'hc-black',
    body: 'vscode-high-contrast',
  },
  {
    id: 'Default High Contrast Light',
    label: 'Light High Contrast',
    slug: 'hc-light',
    kind: 'high-contrast-light',
    workbench: 'hc-light',
    body: 'vscode-high-contrast-light',
  },
];

/** The theme variables the webviews' CSS, the charts (webview/shared/theme.ts) and @vscode-elements read. */
const VARS = [
  'editor-background',
  'editor-foreground',
  'foreground',
  'descriptionForeground',
  'editorWidget-border',
  'panel-border',
  'contrastBorder',
  'contrastActiveBorder',
  'focusBorder',
  'button-background',
  'button-foreground',
  'button-hoverBackground',
  'button-border',
  'button-secondaryBackground',
  'button-secondaryForeground',
  'button-secondaryHoverBackground',
  'dropdown-background',
  'dropdown-foreground',
  'dropdown-border',
  'settings-dropdownBackground',
  'settings-dropdownForeground',
  'settings-dropdownBorder',
  'settings-dropdownListBorder',
  'list-activeSelectionBackground',
  'list-activeSelectionForeground',
  'list-hoverBackground',
  'list-hoverForeground',
  'list-focusOutline',
  'input-background',
  'input-foreground',
  'input-border',
  'sideBar-background',
  'sideBarSectionHeader-background',
  'sideBarSectionHeader-border',
  'sideBarTitle-foreground',
  'icon-foreground',
  'errorForeground',
  'textLink-foreground',
  'widget-shadow',
  'progressBar-background',
  'charts-blue',
  'charts-red',
  'charts-green',
  'charts-orange',
  'charts-purple',
  'charts-yellow',
];

let vs: VsCode;

before(async () => {
  vs = await VsCode.launch({ workspace: copyExamples(), settings: { 'workbench.colorTheme': THEMES[0]!.id } });
});
after(async () => {
  await vs?.close();
});

/** Picks `t` in "Preferences: Color Theme" as a user does, and waits for the workbench to take it. */
async function setTheme(t: ThemeCase): Promise<void> {
  await vs.runCommand('Preferences: Color Theme');
  await vs.pickQuickItem(t.label);
  await vs.page.locator(`.monaco-workbench.${t.workbench}`).waitFor({ state: 'attached', timeout: 30_000 });
}

/** sRGB channels of a CSS colour as the browser computed it ("rgb(…)", "rgba(…)" or "#rrggbb[aa]"), alpha last. */
function parse(css: string): [number, number, number, number] {
  const s = css.trim();
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(s);
  if (hex) {
    const n = hex[1]!;
    return [0, 2, 4].map((i) => parseInt(n.slice(i, i + 2), 16)).concat(hex[2] ? parseInt(hex[2], 16) / 255 : 1) as [
      number,
      number,
      number,
      number,
    ];
  }
  const m = /^rgba?\(([^)]*)\)$/.exec(s);
  if (!m) throw new Error(`cannot read the colour "${css}"`);
  const p = m[1]!
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
}

/** `fg` (maybe translucent) laid over the opaque `bg`. */
function over(fg: string, bg: string): string {
  const [r, g, b, a] = parse(fg);
  const [R, G, B] = parse(bg);
  return `rgb(${r * a + R * (1 - a)}, ${g * a + G * (1 - a)}, ${b * a + B * (1 - a)})`;
}

/** WCAG 2 contrast ratio of two opaque colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = parse(c).map((v) => {
      const x = v / 255;
      return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/**
 * Computed colours of a vscode-elements control's face in its shadow root (`face`: CSS selector
 * there; `text`: the element whose colour the words take, the face itself by default).
 */
async function faceColors(
  el: Locator,
  face: string,
  text = face,
): Promise<{ color: string; background: string; border: string; page: string }> {
  return el.evaluate(
    (host, [sel, textSel]) => {
      const f = host.shadowRoot?.querySelector(sel!);
      const w = host.shadowRoot?.querySelector(textSel!);
      if (!f || !w) throw new Error(`no ${sel} or ${textSel} in the shadow root of ${host.tagName}`);
      const s = getComputedStyle(f);
      return {
        color: getComputedStyle(w).color,
        background: s.backgroundColor,
        border: s.borderTopColor,
        // The page under the control: the body's background, or (the side panel sets none) the side bar's.
        page: [
          getComputedStyle(host.ownerDocument.body).backgroundColor,
          getComputedStyle(host.ownerDocument.documentElement).backgroundColor,
          getComputedStyle(host.ownerDocument.documentElement).getPropertyValue('--vscode-sideBar-background').trim(),
        ].find((c) => c && c !== 'transparent' && c !== 'rgba(0, 0, 0, 0)')!,
      };
    },
    [face, text],
  );
}

/** Text of a control against its own face (laid over the page) ≥ 4.5:1; in high contrast its border against the page ≥ 3:1. */
function checkControl(what: string, c: { color: string; background: string; border: string; page: string }, hc: boolean): string {
  const page = c.page;
  const face = over(c.background, page);
  const text = contrast(over(c.color, face), face);
  assert.ok(text >= 4.5, `${what}: text ${c.color} on ${c.background} (over the page ${page}) ${text.toFixed(2)}:1 < 4.5:1`);
  let line = `${what} text ${text.toFixed(2)}:1`;
  if (hc) {
    const border = contrast(over(c.border, page), page);
    assert.ok(border >= 3, `${what}: border ${c.border} on the page ${page} ${border.toFixed(2)}:1 < 3:1`);
    line += `, border ${border.toFixed(2)}:1`;
  }
  return line;
}

async function bodyClass(frame: FrameLocator): Promise<string> {
  return frame.locator('body').evaluate((b) => b.className);
}

test('issue 13 themes: the panel and the side panel in light, dark and high-contrast themes', async () => {
  const t0 = Date.now();
  await vs.openFile('himmelblau.ts');
  await vs.runCommand(CMD.run);
  const { frame: panelFrame, shown } = await waitForNewRun(vs);
  assert.match(shown.label, /^himmelblau · 2-D · /);
  await vs.page.locator('.part.activitybar .action-item a.action-label[aria-label^="SGD Landscape"]').first().click();
  const side = await vs.webview(tid('sidebar-root'));
  await side.locator(tid('run')).waitFor({ state: 'visible', timeout: 15_000 });
  console.log(`run and side panel: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const ratios: string[] = [];
  let lastDigest = '';
  let lastBg = '';
  for (const theme of THEMES) {
    const t1 = Date.now();
    const hc = theme.kind.startsWith('high-contrast');
    if (theme !== THEMES[0]) await setTheme(theme);
    else await vs.page.locator(`.monaco-workbench.${theme.workbench}`).waitFor({ state: 'attached', timeout: 10_000 });
    for (const [name, frame] of [
      ['panel', panelFrame],
      ['side panel', side],
    ] as const)
      await eventually(
        `${name} takes the ${theme.id} theme`,
        () => bodyClass(frame),
        (c) => c.split(/\s+/).includes(theme.body),
        30_000,
      );
    await panelFrame.locator(`${tid('panel-root')}[data-theme="${theme.kind}"]`).waitFor({ state: 'attached', timeout: 15_000 });
    // Two themes of one kind (Dark Modern, Dark 2026) differ in their colours: wait for the new ones.
    const readBg = () =>
      panelFrame.locator('body').evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-editor-background').trim());
    await eventually(`the panel takes ${theme.id}'s colours`, readBg, (bg) => bg !== lastBg, 30_000);
    lastBg = await readBg();
    // The maps are drawn again in the theme's colours.
    const digest = await eventually(
      `the landscape map is drawn again in ${theme.id}`,
      async () => (await canvasPixels(panelFrame, 'chart-landscape')).digest,
      (d) => d !== lastDigest,
      15_000,
    );
    lastDigest = digest;
    for (const id of ['chart-landscape', 'chart-trajectories', 'chart-finals', 'chart-histogram']) {
      const c = await chartState(panelFrame, id);
      assert.ok(c.drawn && c.points > 0, `${theme.id}: ${id} drawn (${c.error ?? ''})`);
    }

    // The variables the webviews read, as the real theme sets them (on the root element: media/contrast.css
    // gives the body values for some that the high-contrast themes leave unset).
    const vars = await panelFrame
      .locator('body')
      .evaluate(
        (b, names) =>
          Object.fromEntries(
            names.map((n) => [n, getComputedStyle(b.ownerDocument.documentElement).getPropertyValue(`--vscode-${n}`).trim()]),
          ),
        VARS,
      );
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `10-vars-${theme.slug}.json`), JSON.stringify(vars, null, 2) + '\n');

    // Every palette colour against the editor background this theme really gives the webview.
    const bg = vars['editor-background']!;
    assert.ok(bg, `${theme.id}: --vscode-editor-background is set`);
    const set = colorSet(theme.kind);
    assert.ok(
      (BACKGROUNDS[set] as readonly string[]).some((b) => contrast(b, bg) < 1.01),
      `${theme.id}: its editor background ${bg} is among the palette's ${set} backgrounds ${BACKGROUNDS[set].join(', ')} (test/unit/webview-palette.test.ts checks those)`,
    );
    const colours = [...METHOD_COLORS[set], ...Object.values(ROLE_COLORS[set])];
    const low = colours.map((c) => ({ c, r: contrast(c, bg) })).sort((a, b) => a.r - b.r)[0]!;
    for (const c of colours) assert.ok(contrast(c, bg) >= 3, `${theme.id}: ${c} on ${bg} ${contrast(c, bg).toFixed(2)}:1 < 3:1`);

    // The controls: a secondary button (PNG of the landscape card) and the colour-scale dropdown,
    // still and hovered; the side panel's Run button (primary).
    const png = panelFrame.locator(tid('png-chart-landscape'));
    const scale = panelFrame.locator('vscode-single-select').first();
    await png.scrollIntoViewIfNeeded();
    const lines = [
      checkControl(`${theme.id} secondary button`, await faceColors(png, '.base'), hc),
      checkControl(`${theme.id} dropdown`, await faceColors(scale, '.select-face'), hc),
    ];
    await png.hover();
    lines.push(checkControl(`${theme.id} secondary button hovered`, await faceColors(png, '.base'), hc));
    await vs.page.mouse.move(0, 0);
    lines.push(checkControl(`${theme.id} side panel Run`, await faceColors(side.locator(tid('run')), '.base'), hc));
    // A collapsed section's header in the side panel ("Schedule (later stages)"): readable, and a
    // band of the side bar's colour (not a dark box on a light page).
    const header = await faceColors(side.locator('vscode-collapsible').first(), '.collapsible-header', '.title');
    lines.push(checkControl(`${theme.id} side panel section header`, header, false));
    const band = contrast(over(header.background, header.page), header.page);
    assert.ok(
      band < 1.5,
      `${theme.id}: section header ${header.background} on the side bar ${header.page}: ${band.toFixed(2)}:1, a box of another shade`,
    );
    ratios.push(`${theme.id.padEnd(28)} background ${bg}: lowest palette contrast ${low.r.toFixed(2)}:1 (${low.c}); ${lines.join('; ')}`);

    // The screenshots: the panel's top beside the side panel, where the trials end, the 3-D card.
    await panelFrame.locator(tid('summary')).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await vs.screenshot(`10-${theme.slug}-1-panel`);
    await panelFrame.locator(tid('chart-finals')).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await vs.screenshot(`10-${theme.slug}-2-finals`);
    const card = panelFrame.locator(tid('surface-card'));
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await card.locator(`${tid('chart-surface')}[data-drawn="true"]`).waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-state'), 'drawn', `${theme.id}: the 3-D card draws`);
    await vs.screenshot(`10-${theme.slug}-3-surface-3d`);
    console.log(`${theme.id}: ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
  console.log(ratios.join('\n'));
});
