/**
 * The .vsix holds only what runs: the bundles, webview assets, icons, examples, and esbuild's JS
 * API with the native binary for this platform (executable). No sources, tests, maps, dev
 * dependencies or build inputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { vsixPath } from './harness';

interface Entry {
  name: string;
  size: number;
  /** Unix mode from the external attributes (0 when the archive was not made on Unix). */
  mode: number;
}

/** Entries of a zip file, read from its central directory. */
function zipEntries(buf: Buffer): Entry[] {
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: Entry[] = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    out.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size, mode: external >>> 16 });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const platform = `${process.platform}-${process.arch}`;
const ALLOWED: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE(\.txt|\.md)?)$/i,
  /^extension\/dist\/(extension|worker)\.js$/,
  /^extension\/dist\/webview\/[\w-]+\.(js|css)$/,
  /^extension\/resources\/[\w.-]+\.(svg|png)$/,
  /^extension\/examples\/[\w.-]+\.(ts|csv)$/,
  /^extension\/node_modules\/esbuild\/(package\.json|LICENSE\.md|lib\/main\.js)$/,
  /^extension\/node_modules\/@esbuild\/[\w-]+\/(package\.json|bin\/esbuild|esbuild\.exe)$/,
];

test('the .vsix holds only what the extension runs', () => {
  const entries = zipEntries(readFileSync(vsixPath()));
  const names = entries.map((e) => e.name);
  const unexpected = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  assert.deepEqual(unexpected, [], 'files outside the allow-list');
  for (const bad of [/\.map$/, /^extension\/(src|test|webview|media|scripts|bench)\//, /\.tsbuildinfo$/, /\/dist\/cli\.js$/]) {
    assert.deepEqual(
      names.filter((n) => bad.test(n)),
      [],
      `nothing matching ${bad}`,
    );
  }
  for (const need of [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/worker.js',
    'extension/dist/webview/panel.js',
    'extension/dist/webview/sidebar.js',
    'extension/examples/paper-figure3.ts',
    'extension/node_modules/esbuild/lib/main.js',
  ]) {
    assert.ok(names.includes(need), `${need} is packaged`);
  }
  // esbuild's native binary for this machine, and it is executable.
  const bin = entries.find((e) => e.name === `extension/node_modules/@esbuild/${platform}/bin/esbuild`);
  assert.ok(bin, `@esbuild/${platform} binary is packaged`);
  assert.ok(bin.size > 1_000_000, `binary looks real (${bin.size} bytes)`);
  assert.equal(bin.mode & 0o111, 0o111, `binary is executable (mode ${bin.mode.toString(8)})`);
  // Only one platform's binary.
  const platforms = new Set(names.map((n) => /^extension\/node_modules\/@esbuild\/([\w-]+)\//.exec(n)?.[1]).filter(Boolean));
  assert.deepEqual([...platforms], [platform]);
  const total = entries.reduce((s, e) => s + e.size, 0);
  assert.ok(total < 40_000_000, `unpacked size ${(total / 1e6).toFixed(1)} MB`);
});
