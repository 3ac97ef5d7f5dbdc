/**
 * What every command of the CLI shares: argument parsing, the user-error types (one line each,
 * exit 2), reading a JSON settings file with the line of a syntax error, the host flags checked
 * against the settings table, and writing a result as JSON.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
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
import { RunFailure } from '../runner/failure';
import type { RunnerOptions } from '../runner/pool';
import type { PreparedRun } from '../runner/prepare';

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

/** JSON of a result: NaN and ±Infinity (no JSON form) written as null. */
export function resultJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export async function writeResult(path: string, value: unknown): Promise<void> {
  await writeFile(path, resultJson(value));
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

/** A hung or memory-hungry call has no stack: point the failure at the function's declaration. */
export function atDeclaration(e: unknown, prepared: PreparedRun | undefined): unknown {
  if (
    e instanceof RunFailure &&
    e.detail.line === undefined &&
    prepared?.discovered &&
    (e.detail.kind === 'timeout' || e.detail.kind === 'memory')
  ) {
    const line = prepared.discovered.line + 1;
    return new RunFailure({
      ...e.detail,
      file: prepared.loss.sourceFile,
      line,
      message: `${e.detail.message} (${prepared.loss.sourceFile}:${line})`,
    });
  }
  return e;
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
