/**
 * What every command of the CLI shares: argument parsing, the user-error types (one line each,
 * exit 2), reading a JSON settings file with the line of a syntax error, the host flags checked
 * against the settings table, and checking --out first and writing a result there whole.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { access, constants, open, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { CLI_DEFAULTS, CLI_FLAGS, HOST_FIELDS, fieldSpec, inRange, type NumberSpec } from '../engine/settingsSchema';
import {
  Problems,
  checkRunInput,
  cut,
  describeValue,
  isRecord,
  nearest,
  numberExpectation,
  problemText,
  type SettingProblem,
} from '../engine/settingsValidate';
import type { RunnerOptions } from '../runner/pool';

export interface Args {
  command?: string;
  /** Positional arguments after the command (the FILE of run/sweep/list, the PARTs of merge). */
  files: string[];
  flags: Map<string, string | true>;
}

const VALUED = new Set(['config', 'out', 'function', 'shard', ...Object.keys(CLI_FLAGS)]);
const SWITCHES = new Set(['help', 'version', 'quiet', 'debug']);

/** A bad command line: one line, exit 2. */
export class UsageError extends Error {}

/** Writing the result failed after the run: one line, exit 1. */
export class OutputError extends Error {}

/** Several user errors found at once, one line each. */
export class CliProblems extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const k = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (VALUED.has(k)) {
        const val = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (val === undefined) throw new UsageError(`--${k} needs a value`);
        flags.set(k, val);
      } else if (SWITCHES.has(k)) {
        flags.set(k, true);
      } else {
        const near = nearest(k, [...VALUED, ...SWITCHES]);
        throw new UsageError(`unknown option --${cut(k)}${near ? `; did you mean --${near}?` : ''}`);
      }
    } else if (a === '-h') {
      flags.set('help', true);
    } else {
      positional.push(a);
    }
  }
  return { command: positional[0], files: positional.slice(1), flags };
}

/** Refuses flags the command does not take (they are known to the parser for another command). */
export function onlyFlags(args: Args, command: string, allowed: readonly string[]): void {
  for (const k of args.flags.keys()) {
    if (SWITCHES.has(k) || allowed.includes(k)) continue;
    throw new UsageError(`--${k} is not an option of ${command}`);
  }
}

/** A numeric flag checked against the settings table; problems are collected, not thrown. */
export function numberFlag(
  args: Args,
  flag: 'trials' | 'workers' | 'stall-seconds' | 'time-limit' | 'memory-mb',
  problems: string[],
): number | undefined {
  const v = args.flags.get(flag);
  if (typeof v !== 'string') return undefined;
  const spec = fieldSpec(CLI_FLAGS[flag].field) as NumberSpec;
  const n = v.trim() === '' ? NaN : Number(v);
  if (inRange(n, spec)) return n;
  problems.push(`--${flag} must be ${numberExpectation(spec)}, got ${Number.isNaN(n) ? describeValue(v) : describeValue(n)}`);
  return undefined;
}

/** The worker pool's options from --workers, --stall-seconds, --time-limit, --memory-mb. */
export function runnerFlags(args: Args, problems: string[]): RunnerOptions {
  const workers = numberFlag(args, 'workers', problems);
  const stallSeconds = numberFlag(args, 'stall-seconds', problems) ?? HOST_FIELDS.stallSeconds.default!;
  const timeLimitSeconds = numberFlag(args, 'time-limit', problems) ?? CLI_DEFAULTS.timeLimitSeconds!;
  const memoryLimitMb = numberFlag(args, 'memory-mb', problems) ?? CLI_DEFAULTS.memoryLimitMb!;
  return { workers: workers || undefined, stallMs: stallSeconds * 1000, timeLimitMs: timeLimitSeconds * 1000, memoryLimitMb };
}

/** Where JSON.parse stopped, as line:column of the text. */
function jsonPosition(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return `:${line}:${Number(m[1]) - before.lastIndexOf('\n')}`;
}

/** Reads a JSON file; `what` names it in messages (e.g. `--config run.json`). */
export async function readJson(path: string, what = `--config ${path}`): Promise<unknown> {
  let text: string;
  try {
    if ((await stat(path)).isDirectory()) throw new UsageError(`${what} is a directory, not a JSON file`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    throw new UsageError(`${path}${jsonPosition(text, msg)}: not valid JSON (${cut(msg, 160)})`);
  }
}

/**
 * JSON of a result: NaN and ±Infinity (no JSON form) written as null, as `JSON.stringify` itself
 * writes them (a replacer doing the same cost ~40% more time on a result of 3 MB).
 */
export function resultJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Writes `value` as JSON to `path` whole or not at all (`writeAtomic`); check `path` with `checkOut` first. */
export async function writeResult(path: string, value: unknown): Promise<void> {
  await writeAtomic(path, resultJson(value));
}

/**
 * The absolute path --out writes to, after checking that the result can be written there and
 * would overwrite none of the run's inputs (the loss file, --config). Throws a UsageError.
 */
export async function checkOut(out: string, inputs: Array<string | undefined>): Promise<string> {
  const abs = resolve(out);
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  const target = await real(abs);
  for (const input of inputs) {
    if (input !== undefined && (await real(input)) === target) {
      throw new UsageError(`--out ${cut(out)} is the input file ${cut(input)}; refusing to overwrite it (give another path)`);
    }
  }
  const s = await stat(abs).catch(() => undefined);
  if (s?.isDirectory()) throw new UsageError(`--out ${cut(out)} is a directory; give a file path such as ${cut(out)}/RESULT.json`);
  if (s && !s.isFile()) throw new UsageError(`--out ${cut(out)} is not a regular file`);
  const dir = dirname(abs);
  const d = await stat(dir).catch(() => undefined);
  if (!d) throw new UsageError(`--out ${cut(out)}: the folder ${cut(dir)} does not exist`);
  if (!d.isDirectory()) throw new UsageError(`--out ${cut(out)}: ${cut(dir)} is not a folder`);
  if (s) {
    try {
      await access(abs, constants.W_OK);
    } catch {
      throw new UsageError(`--out ${cut(out)} is read-only; refusing to replace it`);
    }
  }
  // The result is written beside it and renamed into place: the folder itself must take a new file.
  const probe = resolve(dir, `.${basename(abs)}.${randomBytes(6).toString('hex')}.probe`);
  try {
    await (await open(probe, 'wx')).close();
    await rm(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--out ${cut(out)}: cannot write in the folder ${cut(dir)} (${code ?? (e as Error).message})`);
  }
  return abs;
}

/**
 * Writes `path` whole or not at all: to a temporary file in the same folder, then renamed over it,
 * so a run stopped while writing leaves the previous result in place.
 */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = resolve(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const cleanup = () => rmSync(tmp, { force: true });
  // Stopped while writing: the half-written file goes, the previous result stays, the signal ends us.
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, sig);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    cleanup();
    const code = (e as NodeJS.ErrnoException).code;
    throw new OutputError(`cannot write --out ${cut(path)} (${code ?? (e as Error).message}); the run's result is lost`);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** One line for a settings problem: "invalid setting trials: …" or "unknown setting stpes; …". */
export function cliLine(p: SettingProblem): string {
  return p.kind === 'value' ? `invalid setting ${problemText(p)}` : problemText(p);
}

export function say(line: string): void {
  console.error(`sgd-landscape: ${line}`);
}

/**
 * The explicit input of run and sweep: --config's JSON object, with --function, --seed and
 * --trials above it (a flag is above RUN.json). `take` is a key the command reads itself (the
 * sweep's "sweep"): it is returned apart, not checked as a run setting. When `problems` (from the
 * flags) is not empty, they are thrown together with the settings' own.
 */
export async function explicitInput(
  args: Args,
  problems: string[],
  take?: string,
): Promise<{ input: Record<string, unknown>; taken?: unknown; name: string }> {
  const cfg = args.flags.get('config');
  const name = typeof cfg === 'string' ? cfg : 'the run settings';
  let raw: unknown = {};
  if (typeof cfg === 'string') raw = await readJson(cfg);
  if (!isRecord(raw)) {
    problems.push(`${cfg} must be a JSON object such as { "function": "f", "trials": 100 }, got ${describeValue(raw)}`);
    throw new CliProblems(problems);
  }
  const input: Record<string, unknown> = { ...raw };
  let taken: unknown;
  if (take) {
    taken = input[take];
    delete input[take];
  }
  const fn = args.flags.get('function');
  if (typeof fn === 'string') input.function = fn;
  const seed = args.flags.get('seed');
  if (typeof seed === 'string') input.seed = seed;
  const trials = numberFlag(args, 'trials', problems);
  if (trials !== undefined) input.trials = trials;
  if (problems.length > 0) {
    // Report the settings' problems with the flags' (the file's own are found once it is loaded).
    const p = new Problems();
    checkRunInput(p, input, (k) => k, name);
    throw new CliProblems([...problems, ...p.list.map(cliLine)]);
  }
  return take ? { input, taken, name } : { input, name };
}

/** Progress on stderr, on a terminal only, at most five times a second. */
export function progressLine(quiet: boolean): { show(label: string, done: number, total: number): void; clear(): void } {
  let lastShown = 0;
  const on = !quiet && process.stderr.isTTY;
  return {
    show(label, done, total) {
      if (!on) return;
      const now = Date.now();
      if (now - lastShown < 200) return;
      lastShown = now;
      process.stderr.write(`\r${label.padEnd(12)} ${((100 * done) / Math.max(1, total)).toFixed(0).padStart(3)}%`);
    },
    clear() {
      if (on) process.stderr.write('\r'.padEnd(20) + '\r');
    },
  };
}
