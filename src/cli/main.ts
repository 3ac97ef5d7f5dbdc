/**
 * sgd-landscape — the engine from the command line, for scripts and CI.
 *
 *   sgd-landscape run FILE [--config RUN.json] [--out RESULT.json] [--function NAME] [--workers N]
 *   sgd-landscape list FILE
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../engine/config';
import type { ExperimentResult, RunConfigInput } from '../engine/types';
import { BundleFailure, formatBundleMessage } from '../runner/bundle';
import { discoverLosses } from '../runner/discover';
import { ExperimentRunner, RunFailure } from '../runner/pool';
import { prepareRun } from '../runner/prepare';
import { theoremText } from '../view/theorem1';

const HELP = `sgd-landscape — noisy SGD on a TypeScript loss, the smoothed landscape it descends,
and one-point-convexity diagnostics (Kleinberg, Li, Yuan, ICML 2018).

Usage:
  sgd-landscape run FILE [--config RUN.json] [--out RESULT.json] [options]
  sgd-landscape list FILE
  sgd-landscape --help | --version

run options:
  --config FILE     run settings as JSON (see README "RUN.json"); missing fields take defaults
  --out FILE        write the full result as JSON (RESULT.json); without it a summary is printed only
  --function NAME   the exported function to run (overrides "function" in the config)
  --seed S          override "seed"
  --trials N        override "trials"
  --workers N       worker threads (default: all cores)
  --stall-seconds S a loss call that has not returned after S seconds stops the run (default 10)
  --time-limit S    stop the whole run after S seconds (default: none)
  --memory-mb M     heap limit per worker thread in MB (default 2048)
  --quiet           no progress on stderr

RUN.json fields: function, dim, seed, trials, init {low, high}, stages [{lr, radius, steps,
noise: "uniform" | "gaussian" | "cube" | "none", init?, decay?}], xStar, domain {low, high},
resolution, compareGd, and more (README). "radius" is the x-space noise radius a = η·r.

Exit codes: 0 done; 1 the run failed (the loss threw, hung, ran out of memory); 2 bad
arguments, settings or file (syntax error).`;

interface Args {
  command?: string;
  file?: string;
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  const valued = new Set(['config', 'out', 'function', 'seed', 'trials', 'workers', 'stall-seconds', 'time-limit', 'memory-mb']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (valued.has(k)) {
        const val = v ?? argv[++i];
        if (val === undefined) throw new UsageError(`--${k} needs a value`);
        flags.set(k, val);
      } else if (['help', 'version', 'quiet'].includes(k)) {
        flags.set(k, true);
      } else {
        throw new UsageError(`unknown option --${k}`);
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

function numberFlag(flags: Args['flags'], name: string, lo: number): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < lo) throw new UsageError(`--${name} must be a number ≥ ${lo}, got ${String(v)}`);
  return n;
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
  let input: RunConfigInput = {};
  const cfg = args.flags.get('config');
  if (typeof cfg === 'string') {
    let text: string;
    try {
      text = await readFile(cfg, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --config ${cfg}: ${(e as Error).message}`);
    }
    try {
      input = JSON.parse(text) as RunConfigInput;
    } catch (e) {
      throw new UsageError(`--config ${cfg} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const fn = args.flags.get('function');
  if (typeof fn === 'string') input = { ...input, function: fn };
  const seed = args.flags.get('seed');
  if (typeof seed === 'string') input = { ...input, seed };
  const trials = numberFlag(args.flags, 'trials', 1);
  if (trials !== undefined) input = { ...input, trials };

  const quiet = args.flags.has('quiet');
  const runner = new ExperimentRunner({
    workers: numberFlag(args.flags, 'workers', 1),
    stallMs: (numberFlag(args.flags, 'stall-seconds', 0.1) ?? 10) * 1000,
    timeLimitMs: (numberFlag(args.flags, 'time-limit', 0) ?? 0) * 1000,
    memoryLimitMb: numberFlag(args.flags, 'memory-mb', 64) ?? 2048,
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
  const text = await readFile(args.file, 'utf8');
  for (const l of discoverLosses(text, resolve(args.file))) {
    const dim = l.argStyle === 'scalars' ? String(l.dim) : l.dim !== null ? `${l.dim} (array)` : 'array, dim from settings';
    console.log(`${l.name}\tline ${l.line + 1}\tdim ${dim}${l.hasOptions ? '\t+options' : ''}`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
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
    throw new UsageError(`unknown command "${args.command}" (expected run or list)`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`sgd-landscape: ${e.message}\nTry sgd-landscape --help.`);
      return 2;
    }
    if (e instanceof ConfigError) {
      console.error(`sgd-landscape: invalid setting ${e.message}`);
      return 2;
    }
    if (e instanceof BundleFailure) {
      for (const m of e.messages) console.error(`sgd-landscape: ${formatBundleMessage(m)}`);
      return 2;
    }
    if (e instanceof RunFailure) {
      console.error(`sgd-landscape: ${e.detail.message}`);
      return 1;
    }
    console.error(`sgd-landscape: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
