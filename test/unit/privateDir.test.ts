/**
 * The private bundle folder (issue 8, security): code is written to and loaded from folders and
 * files no other user can write. Checked against the file system's own modes and owners.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsafePathError, checkPrivateDir, checkPrivateFile, ensurePrivateDir, processBundleDir } from '../../src/runner/privateDir';
import { bundleLossFile } from '../../src/runner/bundle';
import { ExperimentRunner } from '../../src/runner/pool';

const posix = process.getuid !== undefined;
const base = mkdtempSync(join(tmpdir(), 'sgd-private-'));
const unsafe = (re: RegExp) => (e: unknown) => e instanceof UnsafePathError && re.test(e.message);

test('the process bundle folder is a fresh mkdtemp folder of mode 0700, owned by this user', { skip: !posix }, () => {
  const dir = processBundleDir();
  const s = lstatSync(dir);
  assert.ok(s.isDirectory());
  assert.equal(s.mode & 0o777, 0o700);
  assert.equal(s.uid, process.getuid!());
  assert.match(dir, /sgd-landscape-[A-Za-z0-9]{6}$/);
  assert.equal(processBundleDir(), dir);
});

test('bundles are written as files of mode 0600 in the private folder', { skip: !posix }, async () => {
  const src = join(base, 'f.ts');
  writeFileSync(src, 'export function f(x: number) { return x * x; }\n');
  const { bundlePath } = await bundleLossFile(src);
  assert.equal(lstatSync(bundlePath).mode & 0o777, 0o600);
  assert.equal(lstatSync(`${bundlePath}.map`).mode & 0o777, 0o600);
  checkPrivateFile(bundlePath);
});

test('folders others can write, symlinks and files others can write are refused', { skip: !posix }, () => {
  const open = join(base, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  assert.throws(() => checkPrivateDir(open), unsafe(/open is writable by other users \(mode 0777\)/));
  // A private folder inside a folder everyone can write (no sticky bit): someone could rename it away.
  const inner = join(open, 'inner');
  mkdirSync(inner, { mode: 0o700 });
  assert.throws(() => checkPrivateDir(inner), unsafe(/open is writable by every user without the sticky bit \(mode 0777\)/));
  // The same with the sticky bit (like /tmp) is fine.
  chmodSync(open, 0o1777);
  checkPrivateDir(inner);
  const group = join(base, 'group');
  mkdirSync(group);
  chmodSync(group, 0o770);
  assert.throws(() => checkPrivateDir(group), unsafe(/group is writable by other users \(mode 0770\)/));
  const link = join(base, 'link');
  symlinkSync(inner, link);
  assert.throws(() => checkPrivateDir(link), unsafe(/link is a symbolic link/));
  const file = join(inner, 'b.js');
  writeFileSync(file, 'module.exports = {};\n', { mode: 0o666 });
  chmodSync(file, 0o666);
  assert.throws(() => checkPrivateFile(file), unsafe(/b\.js is writable by other users \(mode 0666\)/));
  chmodSync(file, 0o600);
  checkPrivateFile(file);
  // ensurePrivateDir creates missing folders 0700 and never loosens or tightens an existing one.
  const made = ensurePrivateDir(join(base, 'made', 'bundles'));
  assert.equal(lstatSync(made).mode & 0o777, 0o700);
  assert.throws(() => ensurePrivateDir(group), unsafe(/writable by other users/));
  assert.equal(lstatSync(group).mode & 0o777, 0o770);
});

test('a folder of another user is refused (root only: it needs chown)', { skip: process.getuid?.() !== 0 }, () => {
  const theirs = join(base, 'theirs');
  mkdirSync(theirs, { mode: 0o700 });
  chownSync(theirs, 65534, 65534);
  assert.throws(() => checkPrivateDir(theirs), unsafe(/theirs belongs to another user \(uid 65534, you are 0\)/));
});

test('a worker refuses to load a bundle from a folder others can write', { skip: !posix }, async () => {
  const dir = join(base, 'swap');
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  const bundlePath = join(dir, 'evil.js');
  writeFileSync(bundlePath, 'exports.f = (x) => x;\n', { mode: 0o600 });
  const r = new ExperimentRunner({ workers: 1, workerScript: join(__dirname, '..', '..', 'dist', 'worker.js') });
  try {
    await assert.rejects(r.inspect({ bundlePath, exportName: 'f', argStyle: 'scalars', dim: 1, sourceFile: bundlePath }), (e: unknown) => {
      const detail = (e as { detail?: { message: string } }).detail;
      assert.match(detail?.message ?? '', /swap is writable by other users \(mode 0777\)/);
      return true;
    });
  } finally {
    r.dispose();
  }
});
