/**
 * sgd-landscape — the engine from the command line, for scripts and CI.
 *
 *   sgd-landscape run FILE [--config RUN.json] [--out RESULT.json] [--function NAME] [--workers N]
 *   sgd-landscape list FILE
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../engine/config';
import { CLI_DEFAULTS, CLI_FLAGS, HOST_FIELDS, RUN_FIELDS, fieldSpec, inRange, type NumberSpec } from '../engine/settingsSchema';
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
import type { ExperimentResult } from '../engine/types';
import { BundleFailure, formatBundleMessage } from '../runner/bundle';
import { discoverLosses } from '../runner/discover';
import { ExperimentRunner } from '../runner/pool';
import { RunFailure } from '../runner/failure';
import { LossFileError, prepareRun, readLossFile } from '../runner/prepare';
import { theoremText } from '../view/theorem1';

const flagHelp = (flag: keyof typeof CLI_FLAGS, what: string): string => {
  const { field } = CLI_FLAGS[flag];
  const spec = fieldSpec(field);
  if (spec.kind !== 'number' && spec.kind !== 'integer') return what;
  const def = CLI_DEFAULTS[field as keyof typeof CLI_DEFAULTS] ?? spec.default;
  return `${what}: ${numberExpectation(spec)}${def !== undefined ? `; default ${def}` : ''}`;
};

const HELP = `sgd-landscape — noisy SGD on a TypeScript loss, the smoothed landscape it descends,
and one-point-convexity diagnostics (Kleinberg, Li, Yuan, ICML 2018).

Usage:
  sgd-landscape run FILE [--config RUN.json] [--out RESULT.json] [options]
  sgd-landscape list FILE
  sgd-landscape --help | --version

run options:
  --config FILE      run settings as JSON (see README "RUN.json"); missing fields take defaults
  --out FILE         write the full result as JSON (RESULT.json); without it a summary is printed only
  --function NAME    the exported function to run (overrides "function" in the config)
  --seed S           override "seed" (a string of 1 to ${RUN_FIELDS.seed.maxLength} characters, or a number)
  --trials N         ${flagHelp('trials', 'override "trials"')}
  --workers N        ${flagHelp('workers', 'worker threads')}
  --stall-seconds S  ${flagHelp('stall-seconds', 'a loss call that has not returned after S s stops the run')}
  --time-limit S     ${flagHelp('time-limit', 'stop the whole run after S s')}
  --memory-mb M      ${flagHelp('memory-mb', 'heap limit per worker thread in MB')}
  --quiet            no progress on stderr
  --debug            print the stack trace of an internal error (a bug in sgd-landscape)

RUN.json fields: function, dim, seed, trials, init {low, high}, stages [{lr, radius, steps,
noise: "uniform" | "gaussian" | "cube" | "none", init?, decay?}], xStar, domain {low, high},
resolution, compareGd, and more (README). "radius" is the x-space noise radius a = η·r.
A field of the file's <name>Options.defaults is overridden by RUN.json, and RUN.json by a flag.

Exit codes: 0 done; 1 the run failed (the loss threw, hung, ran out of memory) or an internal
error; 2 bad arguments, settings or file (missing, a directory, a syntax error). User errors are
one line each, never a stack trace.`;

interface Args {
  command?: string;
  file?: string;
  flags: Map<string, string | true>;
}

const VALUED = new Set(['config', 'out', 'function', ...Object.keys(CLI_FLAGS)]);
const SWITCHES = new Set(['help', 'version', 'quiet', 'debug']);

function parseArgs(argv: string[]): Args {
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
  return { command: positional[0], file: positional[1], flags };
}

class UsageError extends Error {}

/** A numeric flag checked against the settings table; problems are collected, not thrown. */
function numberFlag(
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

/** Where JSON.parse stopped, as line:column of the text. */
function jsonPosition(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return `:${line}:${Number(m[1]) - before.lastIndexOf('\n')}`;
}

async function readConfig(path: string): Promise<unknown> {
  let text: string;
  try {
    if ((await stat(path)).isDirectory()) throw new UsageError(`--config ${path} is a directory, not a JSON file`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --config ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    throw new UsageError(`${path}${jsonPosition(text, msg)}: not valid JSON (${cut(msg, 160)})`);
  }
}

function summary(r: ExperimentResult): string {
  const d = r.diagnostics;
  const fmt = (v: number) => (Number.isFinite(v) ? +v.toPrecision(4) : String(v));
  const lines = [
    `function ${r.config.function} (dim ${r.config.dim}), ${r.config.trials} trials × ${r.config.stages.map((s) => `${s.steps} steps @ lr ${s.lr}, ${s.noise} radius ${s.radius}`).join(' → ')}`,
    `x* = [${d.xStar.map(fmt).join(', ')}] (${d.xStarSource}); c = ${fmt(d.c)}; L ≈ ${fmt(d.L)}`,
    `within ${fmt(d.successRadius)} of x*: SGD ${d.successSgd}/${r.config.trials}` + (r.gd ? `, GD ${d.successGd}/${r.config.trials}` : ''),
    `diverged: SGD ${r.sgd.diverged}` + (r.gd ? `, GD ${r.gd.diverged}` : ''),
    ...d.theorem1.map((t) => theoremText(t, r.config.stages.length)),
    `time: trials ${Math.round(r.timing.trialsMs)} ms, GD ${Math.round(r.timing.gdMs)} ms, landscape ${Math.round(r.timing.landscapeMs)} ms, diagnostics ${Math.round(r.timing.diagnosticsMs)} ms, total ${Math.round(r.timing.totalMs)} ms on ${r.timing.workers} workers`,
  ];
  return lines.join('\n');
}

async function run(args: Args): Promise<number> {
  if (!args.file) throw new UsageError('run needs a FILE (a .ts file exporting a loss)');
  const problems: string[] = [];
  const trials = numberFlag(args, 'trials', problems);
  const workers = numberFlag(args, 'workers', problems);
  const stallSeconds = numberFlag(args, 'stall-seconds', problems) ?? HOST_FIELDS.stallSeconds.default!;
  const timeLimitSeconds = numberFlag(args, 'time-limit', problems) ?? CLI_DEFAULTS.timeLimitSeconds!;
  const memoryLimitMb = numberFlag(args, 'memory-mb', problems) ?? CLI_DEFAULTS.memoryLimitMb!;
  const cfg = args.flags.get('config');
  let input: unknown = {};
  if (typeof cfg === 'string') input = await readConfig(cfg);
  if (!isRecord(input)) {
    problems.push(`${cfg} must be a JSON object such as { "function": "f", "trials": 100 }, got ${describeValue(input)}`);
    throw new CliProblems(problems);
  }
  // Flags are part of the explicit input: above RUN.json.
  const over: Record<string, unknown> = {};
  const fn = args.flags.get('function');
  if (typeof fn === 'string') over.function = fn;
  const seed = args.flags.get('seed');
  if (typeof seed === 'string') over.seed = seed;
  if (trials !== undefined) over.trials = trials;
  input = { ...input, ...over };
  if (problems.length > 0) {
    // Report the settings' problems with the flags' (the file's own are found once it is loaded).
    const p = new Problems();
    checkRunInput(p, input, (k) => k, typeof cfg === 'string' ? cfg : 'the run settings');
    throw new CliProblems([...problems, ...p.list.map(cliLine)]);
  }

  const quiet = args.flags.has('quiet');
  const runner = new ExperimentRunner({
    workers: workers || undefined,
    stallMs: stallSeconds * 1000,
    timeLimitMs: timeLimitSeconds * 1000,
    memoryLimitMb,
  });
  let prepared: Awaited<ReturnType<typeof prepareRun>> | undefined;
  try {
    prepared = await prepareRun(runner, args.file, input);
    let lastShown = 0;
    const result = await runner.run(prepared.loss, prepared.config, {
      source: { file: prepared.loss.sourceFile, exportName: prepared.loss.exportName },
      onProgress: (p) => {
        if (quiet || !process.stderr.isTTY) return;
        const now = Date.now();
        if (now - lastShown < 200) return;
        lastShown = now;
        process.stderr.write(`\r${p.phase.padEnd(12)} ${((100 * p.done) / Math.max(1, p.total)).toFixed(0).padStart(3)}%`);
      },
    });
    if (!quiet && process.stderr.isTTY) process.stderr.write('\r'.padEnd(20) + '\r');
    const out = args.flags.get('out');
    if (typeof out === 'string') {
      await writeFile(
        out,
        JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
      );
      if (!quiet) console.error(`wrote ${resolve(out)}`);
    }
    console.log(summary(result));
    return 0;
  } catch (e) {
    // A hung or memory-hungry call has no stack: point at the function's declaration instead.
    if (
      e instanceof RunFailure &&
      e.detail.line === undefined &&
      prepared?.discovered &&
      (e.detail.kind === 'timeout' || e.detail.kind === 'memory')
    ) {
      const line = prepared.discovered.line + 1;
      throw new RunFailure({
        ...e.detail,
        file: prepared.loss.sourceFile,
        line,
        message: `${e.detail.message} (${prepared.loss.sourceFile}:${line})`,
      });
    }
    throw e;
  } finally {
    runner.dispose();
  }
}

async function list(args: Args): Promise<number> {
  if (!args.file) throw new UsageError('list needs a FILE');
  const text = await readLossFile(args.file);
  for (const l of discoverLosses(text, resolve(args.file))) {
    const dim = l.argStyle === 'scalars' ? String(l.dim) : l.dim !== null ? `${l.dim} (array)` : 'array, dim from settings';
    console.log(`${l.name}\tline ${l.line + 1}\tdim ${dim}${l.hasOptions ? '\t+options' : ''}`);
  }
  return 0;
}

/** One line for a settings problem: "invalid setting trials: …" or "unknown setting stpes; …". */
function cliLine(p: SettingProblem): string {
  return p.kind === 'value' ? `invalid setting ${problemText(p)}` : problemText(p);
}

/** Several user errors found at once, one line each. */
class CliProblems extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

function say(line: string): void {
  console.error(`sgd-landscape: ${line}`);
}

/** A bug, not the user's doing: one line, the stack only with --debug. */
function internal(e: unknown, debug: boolean): number {
  const err = e instanceof Error ? e : new Error(String(e));
  say(`internal error: ${cut(err.message, 500)}`);
  if (debug) console.error(err.stack ?? String(err));
  else console.error('(run again with --debug for the stack trace, and please report it)');
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const args = parseArgs(argv);
    if (args.flags.has('version')) {
      console.log('0.1.0');
      return 0;
    }
    if (args.flags.has('help') || !args.command) {
      console.log(HELP);
      return args.command || args.flags.has('help') ? 0 : 2;
    }
    if (args.command === 'run') return await run(args);
    if (args.command === 'list') return await list(args);
    throw new UsageError(`unknown command "${cut(args.command)}" (expected run or list)`);
  } catch (e) {
    if (e instanceof UsageError) {
      say(`${e.message}\nTry sgd-landscape --help.`);
      return 2;
    }
    if (e instanceof CliProblems) {
      for (const line of e.lines) say(line);
      return 2;
    }
    if (e instanceof ConfigError) {
      for (const p of e.problems) say(cliLine(p));
      if (e.more > 0) say(`(and ${e.more} more)`);
      return 2;
    }
    if (e instanceof LossFileError) {
      say(e.message);
      return 2;
    }
    if (e instanceof BundleFailure) {
      for (const m of e.messages) say(formatBundleMessage(m));
      return 2;
    }
    if (e instanceof RunFailure) {
      say(e.detail.message);
      if (debug && e.detail.stack) console.error(e.detail.stack);
      return 1;
    }
    return internal(e, debug);
  }
}

if (require.main === module) {
  const debug = process.argv.includes('--debug');
  const crash = (e: unknown) => {
    process.exitCode = internal(e, debug);
    process.exit();
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, crash);
}
