import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyTree } from '../../src/extension/copyTree';

test('copyTree copies recursively and never overwrites existing files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sgd-copy-'));
  try {
    const src = join(root, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.ts'), 'A');
    writeFileSync(join(src, 'sub', 'b.csv'), 'B');
    const dest = join(root, 'dest');
    assert.deepEqual(await copyTree(src, dest), { copied: ['a.ts', join('sub', 'b.csv')], kept: [] });
    writeFileSync(join(dest, 'a.ts'), 'edited');
    assert.deepEqual(await copyTree(src, dest), { copied: [], kept: ['a.ts', join('sub', 'b.csv')] });
    assert.equal(readFileSync(join(dest, 'a.ts'), 'utf8'), 'edited');
    assert.equal(readFileSync(join(dest, 'sub', 'b.csv'), 'utf8'), 'B');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
