/**
 * HTML shell of the webviews: a fresh nonce per render, a strict CSP, assets only from
 * dist/webview through `asWebviewUri`. No data is spliced in: everything arrives by postMessage.
 *
 *   webviewHtml(webview, extensionUri, 'panel' | 'sidebar' | 'sweep', title) → string
 *   webviewOptions(extensionUri) → WebviewOptions with scripts on and localResourceRoots = [dist/webview]
 *
 * Only `vscode` types are imported (URIs are derived with `Uri.with`), so the module is
 * unit-tested with a fake webview in test/unit/webview-html.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export type WebviewEntry = 'panel' | 'sidebar' | 'sweep';

function child(uri: vscode.Uri, ...segments: string[]): vscode.Uri {
  return uri.with({ path: [uri.path.replace(/\/+$/, ''), ...segments].join('/') });
}

/** The only folder webviews may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return child(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

/** 128 random bits, base64: a new one for every render. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy. Lit (used by @vscode-elements) styles its shadow roots with
 * constructable stylesheets (`adoptedStyleSheets`), which `style-src` does not govern, so no
 * 'unsafe-inline' is needed; Chart.js and the canvas layer set sizes through the CSSOM
 * (`element.style.x = …`), which CSP allows. Checked in headless Chromium with this exact
 * policy (test/webview-harness): no violations.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Escapes text for an HTML attribute or text node (the title and URIs are the only strings here). */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function webviewHtml(
  webview: Pick<vscode.Webview, 'asWebviewUri' | 'cspSource'>,
  extensionUri: vscode.Uri,
  entry: WebviewEntry,
  title: string,
): string {
  const nonce = makeNonce();
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(child(root, `${entry}.js`)).toString();
  const style = webview.asWebviewUri(child(root, `${entry}.css`)).toString();
  // Colours VS Code leaves undefined in its high-contrast themes, shared by every webview.
  const contrast = webview.asWebviewUri(child(root, 'contrast.css')).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(contrast)}">
<link rel="stylesheet" href="${esc(style)}">
<title>${esc(title)}</title>
</head>
<body>
<script nonce="${nonce}" src="${esc(script)}"></script>
</body>
</html>`;
}
