/**
 * sgd-landscape — the engine from the command line, for scripts and CI.
 *
 *   sgd-landscape run FILE [--config RUN.json] [--out RESULT.json] [--function NAME] [--workers N]
 *   sgd-landscape sweep FILE --config SWEEP.json [--out SWEEP-RESULT.json] [--shard K/N]
 *   sgd-landscape merge PART... --out SWEEP-RESULT.json
 *   sgd-landscape list FILE
 *
 * sweep and merge live in sweep.ts; what the commands share in common.ts.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../engine/config';
import { CLI_DEFAULTS, CLI_FLAGS, RUN_FIELDS, fieldSpec } from '../engine/settingsSchema';
import { cut, numberExpectation } from '../engine/settingsValidate';
import { toResultFile } from '../engine/resultFile';
import { SweepMergeError } from '../engine/sweepMerge';
import type { ExperimentResult } from '../engine/types';
import { gradientNoiseText, noiseLandscapesText, noiseModelTrialsText } from '../view/gradientNoise';
import { descentTargetsWhere, minimaSearchText, outsideFinalsText } from '../view/minima';
import { planeText } from '../view/plane';
import { divergenceText } from '../view/divergence';
import { BundleFailure, formatBundleMessage } from '../runner/bundle';
import { UnsafePathError } from '../runner/privateDir';
import { discoverLosses } from '../runner/discover';
import { ExperimentRunner } from '../runner/pool';
import { RunFailure } from '../runner/failure';
import { LossFileError, prepareRun, readLossFile, type PreparedRun } from '../runner/prepare';
import { SUGGESTED_FIELDS } from '../engine/suggest';
import { notMinimiserText, smoothnessText, statedXStarText, theorem3Text, theoremText } from '../view/theorem1';
import { gapLines } from '../view/gaps';
import {
  CliProblems,
  OutputError,
  UsageError,
  checkOut,
  cliLine,
  explicitInput,
  onlyFlags,
  parseArgs,
  progressLine,
  runnerFlags,
  say,
  writeResult,
  type Args,
} from './common';
import { SWEEP_HELP, merge, sweep } from './sweep';

/** The flags of run (besides --quiet, --debug, --help). */
const RUN_FLAGS = ['config', 'out', 'function', ...Object.keys(CLI_FLAGS)];

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
  sgd-landscape sweep FILE --config SWEEP.json [--out SWEEP-RESULT.json] [--shard K/N] [options]
  sgd-landscape merge PART... --out SWEEP-RESULT.json
  sgd-landscape list FILE
  sgd-landscape --help | --version

run options:
  --config FILE      run settings as JSON (see README "RUN.json"); missing fields take defaults
  --out FILE         write the full result as JSON (RESULT.json); without it a summary is printed only.
                     Checked before the run (never the loss file or --config), written whole or not at all
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
"successRadius": ε sets the success neighbourhood of x* (default: automatic, see README).

${SWEEP_HELP}

Exit codes: 0 done; 1 the run failed (the loss threw, hung, ran out of memory, called
process.exit, returned no number or nothing finite) or an internal error; 2 bad arguments,
settings or file (missing, a directory, a syntax error), a bad --out path, or a temporary folder
others can write (TMPDIR). User errors are one line each, never a stack trace.`;

/**
 * Success and divergence per method: the paper's pair on two lines as before; with other methods,
 * one line each (optimizer and parameters, and where its finals are taken).
 */
function methodLines(r: ExperimentResult, fmt: (v: number) => number | string): string[] {
  const d = r.diagnostics;
  const n = r.config.trials;
  const near =
    d.targets.length > 1 ? `of one of the ${d.targets.length} targets` : d.targetsSource === 'x-star' ? 'of x*' : 'of the target';
  const methods = r.methods ?? [];
  const point = (p: number[]) => `(${p.map(fmt).join(', ')})`;
  const search = d.targetsSource === 'descent' ? d.minimaSearch : undefined;
  const targets = search
    ? [`targets: ${minimaSearchText(d, search, (i) => methods[i]?.name ?? (i === 0 ? 'SGD' : 'GD'))}`]
    : d.targetsSource === 'x-star'
      ? []
      : [
          d.targetsSource === 'found'
            ? `targets: ${d.targets.length} global minim${d.targets.length === 1 ? 'um' : 'a'} of f found: ${d.targets.map(point).join(', ')}`
            : `targets (declared): ${d.targets.map(point).join(', ')}`,
        ];
  const within = search ? descentTargetsWhere(d, search) : `within ${fmt(d.successRadius)} ${near}`;
  // Per-target counts of dozens of symmetric copies say nothing: left out for descent targets.
  const perTarget = d.targets.length > 1 && !search;
  if (d.targets.length > 1 && !search) {
    targets.push(d.xStarTarget >= 0 ? `x* (c, Theorem 1) is target ${d.xStarTarget + 1}` : 'x* (c, Theorem 1) is none of the targets');
  }
  const outside = outsideFinalsText(methods, r.config.dim, 'domain');
  if (outside) targets.push(outside);
  const pairOnly = methods.length > 0 && methods.every((m) => m.role !== undefined);
  if (pairOnly || methods.length === 0) {
    const names = (sgd: string | number, gd: string | number) => `SGD ${sgd}` + (r.gd ? `, GD ${gd}` : '');
    return [
      ...targets,
      `${within}: ${names(`${d.successSgd}/${n}`, `${d.successGd}/${n}`)}`,
      ...(perTarget ? [`per target: ${methods.map((m) => `${m.name} ${m.perTarget.join(' / ')}`).join(', ')}`] : []),
      `diverged: ${names(r.sgd.diverged, r.gd?.diverged ?? 0)}`,
    ];
  }
  const width = Math.max(...methods.map((m) => m.name.length));
  return [
    ...targets,
    `${within}, per method:`,
    ...methods.map((m) => {
      const params = Object.entries(m.optimizer)
        .filter(([k]) => k !== 'kind')
        .map(([k, v]) => `${k} ${v}`);
      const what = [m.optimizer.kind, ...params].join(' ') + (m.noise ? `, noise ${m.noise}` : '');
      const per = perTarget ? ` (${m.perTarget.join(' / ')})` : '';
      return `  ${m.name.padEnd(width)}  ${String(m.success).padStart(String(n).length)}/${n}${per}, diverged ${m.diverged}  (${what}; finals ${m.finalsAre})`;
    }),
  ];
}

/** "trials 94 ms, GD 130 ms" for the paper's pair; each method's trials by name otherwise. */
function trialTimes(r: ExperimentResult): string {
  const ms = r.timing.methodsMs;
  const methods = r.methods ?? [];
  if (!ms || ms.length !== methods.length || methods.every((m) => m.role !== undefined)) {
    return `trials ${Math.round(r.timing.trialsMs)} ms, GD ${Math.round(r.timing.gdMs)} ms`;
  }
  return `trials ${methods.map((m, i) => `${m.name} ${Math.round(ms[i]!)} ms`).join(', ')}`;
}

const optional = (line: string | undefined): string[] => (line ? [line] : []);

/** SGD's and GD's divergence counts (a result without `methods`). */
function divergedPair(r: ExperimentResult): Array<{ name: string; diverged: number }> {
  return [{ name: 'SGD', diverged: r.sgd.diverged }, ...(r.gd ? [{ name: 'GD', diverged: r.gd.diverged }] : [])];
}

/** Which values were derived from f (no setting gave them), and how. */
export function suggestionLines(s: PreparedRun['suggestion']): string[] {
  if (!s) return [];
  const fields = SUGGESTED_FIELDS.filter((k) => s.why[k] !== undefined);
  if (fields.length === 0) return [];
  return [
    'suggested from the function (no setting, RUN.json field or flag gives them; set one to override):',
    ...fields.map((k) => `  ${k} ${s.fields.includes(k) ? s[k] : '(default kept)'}: ${s.why[k]}`),
  ];
}

function summary(r: ExperimentResult, suggestion?: PreparedRun['suggestion']): string {
  const d = r.diagnostics;
  const fmt = (v: number) => (Number.isFinite(v) ? +v.toPrecision(4) : String(v));
  const lines = [
    `function ${r.config.function} (dim ${r.config.dim}), ${r.config.trials} trials × ${r.config.stages.map((s) => `${s.steps} steps @ lr ${s.lr}, ${s.noise === 'minibatch' ? `minibatch B = ${s.batchSize} (${s.sampling ?? 'uniform'})` : `${s.noise} radius ${s.radius}`}`).join(' → ')}`,
    ...suggestionLines(suggestion),
    `x* = [${d.xStar.map(fmt).join(', ')}] (${d.xStarSource}); c = ${fmt(d.c)}${cWhere(r)}; ${smoothnessText(d.L, d.smoothness)}`,
    ...methodLines(r, fmt),
    ...optional(
      divergenceText(
        r.methods?.length
          ? r.methods.map((m) => ({ name: m.role ? m.role.toUpperCase() : m.name, diverged: m.diverged }))
          : divergedPair(r),
        r.config.trials,
        d.divergence,
      ),
    ),
    ...gapLines(r.landscape, r.config.function),
    ...d.convexity.flatMap((m) => (m.xStarCheck?.minimises === false ? [notMinimiserText(m.xStarCheck, m.radius)] : [])),
    ...optional(statedXStarText(d.xStar, d.xStarSource, d.convexity)),
    ...d.theorem1.map((t) => theoremText(t, r.config.stages.length)),
    ...(d.theorem3 ? [theorem3Text(d.theorem3)] : []),
    ...(d.gradientNoise ? [gradientNoiseText(d.gradientNoise)] : []),
    ...(d.gradientNoise?.landscapes ? [noiseLandscapesText(d.gradientNoise.landscapes)] : []),
    ...(d.gradientNoise?.modelTrials ? [noiseModelTrialsText(d.gradientNoise.modelTrials)] : []),
    ...(d.plane ? [planeText(d.plane)] : []),
    `time: ${trialTimes(r)}, landscape ${Math.round(r.timing.landscapeMs)} ms, diagnostics ${Math.round(r.timing.diagnosticsMs)} ms, total ${Math.round(r.timing.totalMs)} ms on ${r.timing.workers} workers`,
  ];
  return lines.join('\n');
}

/** d > 2: where c was measured — on which slices, and over which of their points. */
function cWhere(r: ExperimentResult): string {
  const L = r.landscape;
  if (r.config.dim <= 2 || !L.directions) return '';
  const along =
    L.sliceSource === 'noise-eigenvectors'
      ? "C(x*)'s top eigenvectors"
      : L.sliceSource === 'configured'
        ? 'the configured directions'
        : 'seeded random directions';
  const through = L.origin && L.origin.every((v, j) => v === r.diagnostics.xStar[j]) ? 'x*' : 'the centre of the domain';
  const over =
    r.diagnostics.convexity[0]?.region === 'domain'
      ? 'their points inside the domain (none lies in the start box)'
      : 'their points in the start box';
  return ` (on ${L.directions.length} slices through ${through} along ${along}, over ${over})`;
}

async function run(args: Args): Promise<number> {
  const file = args.files[0];
  if (!file) throw new UsageError('run needs a FILE (a .ts file exporting a loss)');
  onlyFlags(args, 'run', RUN_FLAGS);
  const problems: string[] = [];
  const runnerOptions = runnerFlags(args, problems);
  const { input, name } = await explicitInput(args, problems);
  if ('sweep' in input) throw new UsageError(`${name} has a "sweep": run it with sgd-landscape sweep`);

  // --out is checked before the run: a bad path found after it would lose the result.
  const out = args.flags.get('out');
  const cfg = args.flags.get('config');
  const outPath = typeof out === 'string' ? await checkOut(out, [file, typeof cfg === 'string' ? cfg : undefined]) : undefined;

  const quiet = args.flags.has('quiet');
  const runner = new ExperimentRunner(runnerOptions);
  // The workers start while esbuild bundles the file; none has loaded user code, so each run's stay fresh.
  runner.prestart();
  try {
    const prepared = await prepareRun(runner, file, input);
    const progress = progressLine(quiet);
    const result = await runner.run(prepared.loss, prepared.config, {
      source: { file: prepared.loss.sourceFile, exportName: prepared.loss.exportName },
      onProgress: (p) => progress.show(p.phase, p.done, p.total),
    });
    progress.clear();
    if (outPath) {
      await writeResult(outPath, toResultFile(result));
      if (!quiet) console.error(`wrote ${outPath}`);
    }
    console.log(summary(result, prepared.suggestion));
    return 0;
  } finally {
    runner.dispose();
  }
}

async function list(args: Args): Promise<number> {
  const file = args.files[0];
  if (!file) throw new UsageError('list needs a FILE');
  onlyFlags(args, 'list', []);
  const text = await readLossFile(file);
  for (const l of discoverLosses(text, resolve(file))) {
    const dim = l.argStyle === 'scalars' ? String(l.dim) : l.dim !== null ? `${l.dim} (array)` : 'array, dim from settings';
    const sum = l.examples ? `\tfinite sum, n ${l.examples.n ?? 'from the data'}` : '';
    console.log(`${l.name}\tline ${l.line + 1}\tdim ${dim}${sum}${l.hasOptions ? '\t+options' : ''}`);
  }
  return 0;
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
    if (args.command === 'sweep') return await sweep(args);
    if (args.command === 'merge') return await merge(args);
    throw new UsageError(`unknown command "${cut(args.command)}" (expected run, sweep, merge or list)`);
  } catch (e) {
    if (e instanceof UsageError) {
      say(`${e.message}\nTry sgd-landscape --help.`);
      return 2;
    }
    if (e instanceof OutputError) {
      say(e.message);
      return 1;
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
    if (e instanceof UnsafePathError) {
      say(e.message);
      return 2;
    }
    if (e instanceof BundleFailure) {
      for (const m of e.messages) say(formatBundleMessage(m));
      return 2;
    }
    if (e instanceof SweepMergeError) {
      for (const line of e.lines) say(line);
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
