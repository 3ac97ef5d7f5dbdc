/**
 * Folders and files that code is loaded from must be private: a bundle is `require`d by a worker,
 * so a folder another local user can write to would let them swap in their own code between our
 * write and that `require` (and run it as us). A private folder is a real directory (not a
 * symlink), owned by the current user, not writable by group or others; every folder above it is
 * owned by the user or root and not writable by others unless it has the sticky bit (like /tmp,
 * where no one can rename or replace another's entry). On Windows (no uids) the user's own
 * temporary folder is private by its ACLs; the checks are skipped there.
 */
import { lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A folder or file another user could write to: the message says which, and why it matters. */
export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

const uid = (): number | undefined => process.getuid?.();
const mode = (s: Stats) => `mode ${(s.mode & 0o7777).toString(8).padStart(4, '0')}`;
const STICKY = 0o1000;
const WHY = 'SGD Landscape loads the bundled loss from there, so another user could replace it with their own code';

/** Throws UnsafePathError unless `dir` and every folder above it pass the checks above. */
export function checkPrivateDir(dir: string): void {
  const me = uid();
  if (me === undefined) return;
  const abs = resolve(dir);
  const s = lstatSync(abs);
  if (s.isSymbolicLink()) throw new UnsafePathError(abs, `${abs} is a symbolic link; ${WHY}. Use a real folder.`);
  if (!s.isDirectory()) throw new UnsafePathError(abs, `${abs} is not a folder`);
  if (s.uid !== me)
    throw new UnsafePathError(
      abs,
      `${abs} belongs to another user (uid ${s.uid}, you are ${me}); ${WHY}. Remove it or use another folder.`,
    );
  if (s.mode & 0o022)
    throw new UnsafePathError(abs, `${abs} is writable by other users (${mode(s)}); ${WHY}. Run chmod go-w on it or remove it.`);
  checkAncestors(realpathSync(abs), me);
}

/** The folders above `real` (a path without symlinks, e.g. macOS /private/var rather than /var). */
function checkAncestors(real: string, me: number): void {
  for (let p = dirname(real); ; p = dirname(p)) {
    const t = lstatSync(p);
    if (t.uid !== me && t.uid !== 0)
      throw new UnsafePathError(p, `${p} belongs to another user (uid ${t.uid}); ${WHY}. Use a folder of your own (set TMPDIR).`);
    if (t.mode & 0o002 && !(t.mode & STICKY))
      throw new UnsafePathError(
        p,
        `${p} is writable by every user without the sticky bit (${mode(t)}); ${WHY}. Use a folder of your own (set TMPDIR).`,
      );
    if (dirname(p) === p) break;
  }
}

/**
 * `dir` as a private folder: created with mode 0700 (and its missing parents) when absent, then
 * checked (`checkPrivateDir`). An existing folder is never chmod-ed: if it fails the checks it was
 * not ours to fix.
 */
export function ensurePrivateDir(dir: string): string {
  const abs = resolve(dir);
  try {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UnsafePathError(abs, `cannot create the bundle folder ${abs} (${code ?? (e as Error).message})`);
  }
  checkPrivateDir(abs);
  return abs;
}

let processDir: string | undefined;

/**
 * This process's own bundle folder: a fresh `mkdtemp` folder (mode 0700, a random name no one can
 * create first) under the system's temporary folder, removed when the process exits.
 */
export function processBundleDir(): string {
  if (processDir) return processDir;
  const base = tmpdir();
  const me = uid();
  if (me !== undefined) checkAncestors(join(realpathSync(base), 'x'), me);
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'sgd-landscape-'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UnsafePathError(
      base,
      `cannot create a private folder in ${base} (${code ?? (e as Error).message}); set TMPDIR to a folder of your own`,
    );
  }
  checkPrivateDir(dir);
  processDir = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Throws UnsafePathError unless `file` is a regular file of the current user that no one else can
 * write, in a private folder: what a worker checks before it `require`s a bundle.
 */
export function checkPrivateFile(file: string): void {
  const me = uid();
  if (me === undefined) return;
  const s = lstatSync(file);
  if (!s.isFile()) throw new UnsafePathError(file, `${file} is not a regular file; ${WHY}`);
  if (s.uid !== me) throw new UnsafePathError(file, `${file} belongs to another user (uid ${s.uid}); ${WHY}`);
  if (s.mode & 0o022) throw new UnsafePathError(file, `${file} is writable by other users (${mode(s)}); ${WHY}`);
  checkPrivateDir(dirname(file));
}
