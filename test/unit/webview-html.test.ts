import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { contentSecurityPolicy, webviewHtml, webviewOptions } from '../../src/extension/webviewHtml';

/** Just enough of vscode.Uri for the module (it only uses `path`, `with` and `toString`). */
class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  with(change: { path?: string }): FakeUri {
    return new FakeUri(this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://ext${this.path}`;
  }
}

const ext = new FakeUri('file', '/home/u/.vscode/extensions/sgd-landscape/') as unknown as vscode.Uri;
const webview = {
  cspSource: 'https://*.vscode-cdn.net',
  asWebviewUri: (u: vscode.Uri) => new FakeUri('https', `/webview${u.path}`) as unknown as vscode.Uri,
};

test('CSP: nothing by default, scripts by nonce only, styles/images/fonts from the webview source', () => {
  assert.equal(
    contentSecurityPolicy('https://x.test', 'N0nce'),
    "default-src 'none'; script-src 'nonce-N0nce'; style-src https://x.test; img-src https://x.test data: blob:; font-src https://x.test",
  );
});

test('HTML: fresh nonce per render, one nonce’d script, assets from dist/webview, no inline data', () => {
  const a = webviewHtml(webview, ext, 'panel', 'SGD <Landscape>');
  const b = webviewHtml(webview, ext, 'panel', 'SGD <Landscape>');
  // The CSP sits in an attribute, so its quotes are escaped (the browser decodes them).
  const nonce = (html: string) => /script-src &#39;nonce-([^&]+)&#39;/.exec(html)?.[1];
  assert.ok(nonce(a) && nonce(b));
  assert.notEqual(nonce(a), nonce(b));
  assert.ok(nonce(a)!.length >= 22, 'at least 128 bits');
  const scripts = a.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.equal(
    scripts[0],
    `<script nonce="${nonce(a)}" src="https://ext/webview/home/u/.vscode/extensions/sgd-landscape/dist/webview/panel.js">`,
  );
  // The high-contrast colours shared by every webview first, then the webview's own stylesheet.
  assert.deepEqual(
    (a.match(/<link rel="stylesheet" href="[^"]*">/g) ?? []).map((l) => /dist\/webview\/([\w-]+\.css)"/.exec(l)?.[1]),
    ['contrast.css', 'panel.css'],
  );
  assert.match(
    a,
    /<link rel="stylesheet" href="https:\/\/ext\/webview\/home\/u\/\.vscode\/extensions\/sgd-landscape\/dist\/webview\/panel\.css">/,
  );
  assert.match(a, /<title>SGD &#60;Landscape&#62;<\/title>/);
  assert.doesNotMatch(a, /unsafe-inline|unsafe-eval|<style/);
  assert.match(webviewHtml(webview, ext, 'sidebar', 't'), /dist\/webview\/sidebar\.js/);
});

test('options: scripts on, command URIs off, resources only from dist/webview', () => {
  const o = webviewOptions(ext);
  assert.equal(o.enableScripts, true);
  assert.equal(o.enableCommandUris, false);
  assert.deepEqual(
    o.localResourceRoots?.map((u) => u.path),
    ['/home/u/.vscode/extensions/sgd-landscape/dist/webview'],
  );
});
