/**
 * Colours for charts, read from VS Code's theme variables (`--vscode-*`, `charts.*`) on the
 * webview's body. VS Code swaps the body class (vscode-light / vscode-dark /
 * vscode-high-contrast / vscode-high-contrast-light) on a theme change; `onThemeChange` fires then.
 */
import { parseColor, type Rgb } from './color';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  border: string;
  blue: string;
  red: string;
  green: string;
  orange: string;
  purple: string;
  yellow: string;
  fontFamily: string;
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function themeKind(body: HTMLElement = document.body): Theme['kind'] {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

export function readTheme(): Theme {
  const kind = themeKind();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const s = getComputedStyle(document.body);
  const foreground = cssVar(s, '--vscode-editor-foreground', dark ? '#cccccc' : '#333333');
  const hc = kind.startsWith('high-contrast');
  return {
    kind,
    foreground,
    muted: cssVar(s, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    background: cssVar(s, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    grid: hc ? cssVar(s, '--vscode-contrastBorder', foreground) : cssVar(s, '--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    border: cssVar(s, '--vscode-panel-border', dark ? '#80808059' : '#80808059'),
    blue: cssVar(s, '--vscode-charts-blue', dark ? '#3794ff' : '#1a85ff'),
    red: cssVar(s, '--vscode-charts-red', dark ? '#f14c4c' : '#e51400'),
    green: cssVar(s, '--vscode-charts-green', dark ? '#89d185' : '#388a34'),
    orange: cssVar(s, '--vscode-charts-orange', dark ? '#d18616' : '#d18616'),
    purple: cssVar(s, '--vscode-charts-purple', dark ? '#b180d7' : '#652d90'),
    yellow: cssVar(s, '--vscode-charts-yellow', dark ? '#cca700' : '#bf8803'),
    fontFamily: cssVar(s, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar(s, '--vscode-font-size', '13')) || 13,
  };
}

/** RGB of a theme colour (for pixel maps); grey when it cannot be parsed. */
export function rgb(color: string): Rgb {
  const c = parseColor(color);
  return c ? [c[0], c[1], c[2]] : [128, 128, 128];
}

/** Calls `cb` when VS Code changes the theme (body class or inline variables change). */
export function onThemeChange(cb: () => void): () => void {
  let pending = false;
  const obs = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      cb();
    });
  });
  obs.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => obs.disconnect();
}
