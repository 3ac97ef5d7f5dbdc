/**
 * Bundles a user's loss file (and whatever it imports from the workspace and its node_modules)
 * into one CommonJS file a trial worker can `require`. esbuild strips types without checking
 * them, so type errors are not fatal; syntax and resolution errors become a `BundleFailure`
 * with 1-based lines in the user's files. A linked source map is written beside the bundle so
 * the worker can map a throwing loss back to the user's line.
 *
 * Each build gets a content-hashed name, so a worker never sees a stale module from its
 * `require` cache after the user edits and re-runs. Bundles are code that will be `require`d, so
 * they go to a private folder only (`privateDir.ts`): by default this process's own `mkdtemp`
 * folder, else the caller's folder once it is checked to be the user's and closed to others. Each
 * file is written under a random name with mode 0600 and renamed into place.
 */
import type * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ensurePrivateDir, processBundleDir } from './privateDir';

export interface BundleMessage {
  text: string;
  /** Absolute path of the file the message is about. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 0-based (esbuild's convention). */
  column?: number;
  /** The source line, for showing beside the message. */
  lineText?: string;
}

export class BundleFailure extends Error {
  constructor(readonly messages: BundleMessage[]) {
    super(messages.length ? formatBundleMessage(messages[0]) : 'bundling failed');
    this.name = 'BundleFailure';
  }
}

export interface BundleResult {
  bundlePath: string;
  /** Warnings (never fatal). */
  warnings: BundleMessage[];
  ms: number;
}

/**
 * esbuild's JS API, loaded on first use (~30 ms): commands that bundle nothing (`--version`,
 * `merge`) start without it. A plain require, left alone by our build (esbuild is external), not
 * `import()`, which would start Node's ESM loader (~14 ms more) in this CommonJS bundle.
 */
let api: typeof esbuild | undefined;
const esbuildApi = (): typeof esbuild => (api ??= createRequire(__filename)('esbuild') as typeof esbuild);

/** How many old bundles of the same source to keep in `outDir` (older ones are deleted). */
const KEEP = 4;

/**
 * `contents`, when given, is used instead of the file on disk (an editor's unsaved text); its
 * imports still resolve from the file's folder.
 */
export async function bundleLossFile(file: string, opts: { outDir?: string; contents?: string } = {}): Promise<BundleResult> {
  const t0 = Date.now();
  const abs = resolve(file);
  // Checked before anything is built: an unsafe folder is refused (UnsafePathError), never used.
  const outDir = opts.outDir !== undefined ? ensurePrivateDir(opts.outDir) : processBundleDir();
  const stem = `${basename(abs)
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_-]/g, '_')}-${hash(abs).slice(0, 8)}`;
  const cwd = dirname(abs);
  let result: esbuild.BuildResult<{ write: false; outfile: string }>;
  try {
    result = await esbuildApi().build({
      ...(opts.contents !== undefined
        ? { stdin: { contents: opts.contents, resolveDir: cwd, sourcefile: abs, loader: loaderFor(abs) } }
        : { entryPoints: [abs] }),
      absWorkingDir: cwd,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcesContent: false,
      outfile: join(outDir, `${stem}.js`),
      logLevel: 'silent',
      // Keep names so stack traces and error messages show the user's function names.
      keepNames: true,
    });
  } catch (e) {
    const errors = (e as esbuild.BuildFailure).errors;
    if (Array.isArray(errors)) throw new BundleFailure(errors.map((m) => toMessage(m, cwd)));
    throw e;
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (!js) throw new BundleFailure([{ text: 'esbuild produced no output' }]);
  const name = `${stem}-${hash(js.contents).slice(0, 12)}`;
  const bundlePath = join(outDir, `${name}.js`);
  // The map was computed for `${stem}.js`; its `sources` are relative to outDir either way.
  const code = js.text.replace(/\/\/# sourceMappingURL=\S+\s*$/, '') + `//# sourceMappingURL=${name}.js.map\n`;
  if (map) await writePrivate(`${bundlePath}.map`, map.contents);
  await writePrivate(bundlePath, code);
  await pruneOld(outDir, stem, name);
  return { bundlePath, warnings: result.warnings.map((m) => toMessage(m, cwd)), ms: Date.now() - t0 };
}

/** `file:line:col: text` as editors and terminals link it. */
export function formatBundleMessage(m: BundleMessage): string {
  if (!m.file) return m.text;
  const where = m.line !== undefined ? `${m.file}:${m.line}${m.column !== undefined ? `:${m.column + 1}` : ''}` : m.file;
  return `${where}: ${m.text}`;
}

function toMessage(m: esbuild.Message, cwd: string): BundleMessage {
  const loc = m.location;
  if (!loc) return { text: m.text };
  return {
    text: m.text,
    file: isAbsolute(loc.file) ? loc.file : resolve(cwd, loc.file),
    line: loc.line,
    column: loc.column,
    lineText: loc.lineText,
  };
}

function loaderFor(file: string): esbuild.Loader {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'tsx' || ext === 'jsx') return ext;
  if (ext === 'js' || ext === 'mjs' || ext === 'cjs') return 'js';
  return 'ts';
}

/** Writes `path` whole or not at all: a new file of mode 0600 under a random name, renamed into place. */
async function writePrivate(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function hash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function pruneOld(outDir: string, stem: string, keepName: string): Promise<void> {
  try {
    const files = (await readdir(outDir)).filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.js') && f !== `${keepName}.js`);
    if (files.length < KEEP) return;
    const withTimes = await Promise.all(files.map(async (f) => ({ f, t: (await stat(join(outDir, f))).mtimeMs })));
    withTimes.sort((a, b) => b.t - a.t);
    for (const { f } of withTimes.slice(KEEP - 1)) {
      await rm(join(outDir, f), { force: true });
      await rm(join(outDir, `${f}.map`), { force: true });
    }
  } catch {
    // Pruning is housekeeping; a race with another window is harmless.
  }
}
