/**
 * The committed bad-input suite (issue 8): hostile and broken input against the built CLI
 * (`dist/cli.js`, built here if missing), each case a child process in a fresh temp folder.
 *
 * One row per case in CASES:
 *   name    what the case is (the test's name)
 *   args    arguments after `sgd-landscape`; paths are relative to the case's temp folder
 *   files   files written in that folder first (a string as is, anything else as JSON);
 *           `loss.ts` defaults to LOSS (one 2-D loss, `bowl`) unless the row gives its own
 *   exit    the expected exit code (0 done, 1 the run failed, 2 bad arguments, settings or file)
 *   says    strings stderr must contain (each, anywhere)
 *   stdout  strings stdout must contain (optional)
 *   stack   true only for an internal error shown with --debug; otherwise stderr must hold no
 *           stack trace (no "    at …" frames)
 *   maxStderr  the most characters stderr may have (default 4000: messages cut long values)
 *   env     extra environment variables ("$CWD" in a value is the case's temp folder)
 *   setup   runs on the temp folder after the files are written (modes, owners)
 *   after   checks on the temp folder after each attempt
 *   same    files that must be unchanged afterwards (nothing is overwritten)
 *   repeat  how many times the row runs (exit races: each time must hold); default 1
 * Rows run four at a time; keep each to a few seconds. Add new rows at the end of their group.
 * With BAD_INPUT_REPORT=FILE set, each row's measured outcome (exit code, stderr) is appended to
 * FILE as one JSON line, for the list of cases and outcomes. The file is long because
 * the table is: one row per case, in one place.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Case {
  name: string;
  args: string[];
  files?: Record<string, unknown>;
  exit: number;
  says: string[];
  stdout?: string[];
  stack?: boolean;
  maxStderr?: number;
  env?: Record<string, string>;
  setup?(cwd: string): void;
  /** Checks on the temp folder after each attempt. */
  after?(cwd: string): void;
  same?: string[];
  repeat?: number;
  /** The exec timeout of each attempt, a guard against a hang (never what a row checks): 60 s unless set. */
  timeoutSeconds?: number;
}

const root = join(__dirname, '..', '..');

/**
 * A row about a memory limit: the stall limit an hour, so only the memory limit can end the run
 * (the stall watchdog is wall-clock and raced it under load), and each attempt's exec timeout 300 s,
 * room for a starved machine that still bounds a hang.
 */
const MEMORY_ROW = { args: ['--stall-seconds', '3600'], timeoutSeconds: 300 };
const cli = join(root, 'dist', 'cli.js');

const LOSS = `export function bowl(x: number, y: number): number {
  return x * x + y * y;
}
`;
/** Tiny, fast runs: the cases are about input, not numbers. */
const SMALL = { trials: 2, steps: 10, resolution: 5, checkpoints: 2, sampleTrajectories: 1, trajectoryPoints: 2, probeSamples: 1 };
/** A tiny 1-D run (domain [-3, 3], 5 grid points) of `loss` as loss.ts. */
const SMALL1 = {
  trials: 4,
  steps: 10,
  resolution: 5,
  checkpoints: 2,
  sampleTrajectories: 1,
  trajectoryPoints: 2,
  probeSamples: 1,
  domain: { low: [-3], high: [3] },
};
const small1 = (loss: string, ...flags: string[]) => ({
  args: ['run', 'loss.ts', '--config', 'run.json', ...flags],
  files: { 'loss.ts': loss, 'run.json': SMALL1 },
});
/** x·x in 10-D, as one array. */
const SQUARE10 = `export function sq(x: number[]): number {\n  let s = 0;\n  for (const v of x) s += v * v;\n  return s;\n}\n`;
const withOptions = (options: string) => `${LOSS}export const bowlOptions = ${options};\n`;
const run = (config: unknown, ...flags: string[]) => ({
  args: ['run', 'loss.ts', '--config', 'run.json', ...flags],
  files: { 'run.json': config },
});
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const RANGE = {
  timeLimit: 'must be 0 (no limit) or a number in [1, 86400]',
  stall: 'must be a number in [0.1, 3600]',
  memory: 'must be an integer in [32, 65536]',
  workers: 'must be 0 (one per CPU core) or an integer in [1, 64]',
  trials: 'must be an integer in [1, 100000]',
};

const CASES: Case[] = [
  // ---- RUN.json: unknown keys, with the nearest known one ----
  { name: 'unknown key stpes', ...run({ stpes: 3 }), exit: 2, says: ['unknown setting stpes; did you mean steps?'] },
  { name: 'unknown key trails', ...run({ trails: 3 }), exit: 2, says: ['unknown setting trails; did you mean trials?'] },
  {
    name: 'unknown key inside a stage',
    ...run({ stages: [{ raduis: 0.1 }] }),
    exit: 2,
    says: ['unknown setting stages[0].raduis; did you mean radius?'],
  },
  {
    name: 'unknown key inside a decay',
    ...run({ stages: [{ decay: { kind: 'step', every: 5, factr: 0.5 } }] }),
    exit: 2,
    says: ['unknown setting stages[0].decay.factr; did you mean factor?', 'stages[0].decay.factor: is required for a "step" decay'],
  },
  {
    name: 'unknown key inside init',
    ...run({ init: { low: -1, hgih: 1 } }),
    exit: 2,
    says: ['unknown setting init.hgih; did you mean high?'],
  },
  { name: 'unknown key inside domain', ...run({ domain: { lwo: -1 } }), exit: 2, says: ['unknown setting domain.lwo; did you mean low?'] },
  {
    name: 'unknown decay kind',
    ...run({ decay: { kind: 'cosin' } }),
    exit: 2,
    says: ['decay.kind: must be one of constant, step, exponential, cosine, inverse; got "cosin" (did you mean cosine?)'],
  },

  // ---- RUN.json: prototype keys ----
  {
    name: '"__proto__" does not set fields',
    files: { 'run.json': '{"__proto__": {"trials": 3}}' },
    args: ['run', 'loss.ts', '--config', 'run.json'],
    exit: 2,
    says: ['unknown setting __proto__ ("__proto__" is a reserved JavaScript name, never a setting)'],
  },
  {
    name: '"constructor" key',
    ...run({ constructor: { trials: 3 } }),
    exit: 2,
    says: ['unknown setting constructor ("constructor" is a reserved'],
  },
  {
    name: '"prototype" inside a stage',
    ...run({ stages: [{ prototype: { lr: 1 } }] }),
    exit: 2,
    says: ['unknown setting stages[0].prototype ("prototype" is a reserved'],
  },

  // ---- RUN.json: not an object, too deep, too big, overflowing ----
  {
    name: 'RUN.json is an array',
    ...run('[1,2,3]'),
    exit: 2,
    says: ['run.json must be a JSON object such as { "function": "f", "trials": 100 }, got [1, 2, 3]'],
  },
  { name: 'RUN.json is null', ...run('null'), exit: 2, says: ['run.json must be a JSON object', 'got null'] },
  { name: 'RUN.json is a string', ...run('"abc"'), exit: 2, says: ['run.json must be a JSON object', 'got "abc"'] },
  { name: 'RUN.json is 100,000 nested arrays', ...run(deep(100_000)), exit: 2, says: ['run.json must be a JSON object', 'got [[[[…]]]]'] },
  {
    name: 'a field nested 100,000 deep',
    ...run(`{"xStar": ${deep(100_000)}}`),
    exit: 2,
    says: ['invalid setting xStar[0]: must be a finite number of magnitude at most 1e12, got [[[[…]]]]'],
  },
  {
    name: '1e999 is Infinity, not null',
    ...run('{"trials": 1e999}'),
    exit: 2,
    says: [`invalid setting trials: ${RANGE.trials}, got Infinity`],
  },
  {
    name: 'a 10 MB value is cut in the message',
    ...run({ seed: 'x'.repeat(10_000_000) }),
    exit: 2,
    says: ['invalid setting seed: must be a string of 1 to 200 characters or a finite number', '…" (10000000 chars)'],
    maxStderr: 600,
  },
  {
    name: 'a million-entry list is cut in the message',
    ...run({ init: { low: new Array(1_000_000).fill('a') } }),
    exit: 2,
    says: ['invalid setting init.low: must have 1 to 10000 entries, got 1000000'],
    maxStderr: 600,
  },
  {
    name: 'invalid JSON names line and column',
    ...run('{\n  "trials": 3,\n  "seed" 4\n}'),
    exit: 2,
    says: ['run.json:3:10: not valid JSON'],
  },

  // ---- RUN.json: values and ranges, all at once ----
  {
    name: 'several bad values reported together',
    ...run({ trials: 0, lr: -1, noise: 'pink', stages: [] }),
    exit: 2,
    says: [
      `invalid setting trials: ${RANGE.trials}, got 0`,
      'invalid setting stages: must be a non-empty list of at most 64 stages, got 0 stages',
      'invalid setting lr: must be a number in (0, 1000000], got -1',
      'invalid setting noise: must be one of uniform, gaussian, cube, none, minibatch; got "pink"',
    ],
  },
  {
    name: 'resolution 2 (between 0 and 3)',
    ...run({ resolution: 2 }),
    exit: 2,
    says: ['invalid setting resolution: must be 0 (automatic: 601 in 1-D, 201 otherwise) or an integer in [3, 2001], got 2'],
  },
  {
    name: 'checkpoints 1',
    ...run({ checkpoints: 1 }),
    exit: 2,
    says: ['invalid setting checkpoints: must be an integer in [2, 10000], got 1'],
  },
  {
    name: '65 stages',
    ...run({ stages: new Array(65).fill({ lr: 0.1 }) }),
    exit: 2,
    says: ['invalid setting stages: must be a non-empty list of at most 64 stages, got 65 stages'],
  },
  {
    name: 'init outside the domain',
    ...run({ init: { low: [-5, -5], high: [5, 5] }, domain: { low: [-3, -3], high: [3, 3] } }),
    exit: 2,
    says: ['invalid setting init: must lie inside the domain [-3, 3] × [-3, 3]; got [-5, 5] × [-5, 5]'],
  },
  {
    name: 'xStar of the wrong length',
    ...run({ xStar: [0, 0, 0] }),
    exit: 2,
    says: ["invalid setting xStar: must have 2 entries (the function's dimension), got 3"],
  },
  {
    name: 'dim against the signature',
    ...run({ dim: 3 }),
    exit: 2,
    says: ['invalid setting dim: the function takes 2 number parameters, so dim must be 2; got 3'],
  },
  {
    name: 'an array loss without a dimension',
    files: { 'loss.ts': 'export function sphere(v: number[]): number {\n  return v.reduce((s, x) => s + x * x, 0);\n}\n' },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['invalid setting dim: sphere takes an array, so its dimension must be set: "dim" in [1, 10000]'],
  },

  // ---- <name>Options: the value came from the file, at this line ----
  {
    name: 'bad Options.defaults value names the file and line',
    files: { 'loss.ts': withOptions('{\n  defaults: {\n    trials: 0,\n  },\n}') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: [`invalid setting bowlOptions.defaults.trials: ${RANGE.trials}, got 0 (`, 'loss.ts:6)'],
  },
  {
    name: 'unknown key in Options.defaults',
    files: { 'loss.ts': withOptions('{ defaults: { stpes: 10 } }') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['unknown setting bowlOptions.defaults.stpes; did you mean steps? (', 'loss.ts:4)'],
  },
  {
    name: 'unknown key in Options',
    files: { 'loss.ts': withOptions('{\n  defualts: { trials: 3 },\n}') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['unknown setting bowlOptions.defualts; did you mean defaults? (', 'loss.ts:5)'],
  },
  {
    name: 'Options.domain with low above high',
    files: { 'loss.ts': withOptions('{\n  domain: { low: [1, 1], high: [0, 0] },\n}') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['invalid setting bowlOptions.domain: low must be below high on every axis; axis 0 has low 1 ≥ high 0 (', 'loss.ts:5)'],
  },
  {
    name: 'Options.xStar of the wrong length',
    files: { 'loss.ts': withOptions('{ xStar: [0, 0, 0] }') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ["invalid setting bowlOptions.xStar: must have 2 entries (the function's dimension), got 3 (", 'loss.ts:4)'],
  },
  {
    name: 'Options.dim against the signature',
    files: { 'loss.ts': withOptions('{ dim: 3 }') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['invalid setting bowlOptions.dim: the function takes 2 number parameters, so dim must be 2; got 3 ('],
  },
  {
    name: 'Options.defaults Infinity is reported as Infinity',
    files: { 'loss.ts': withOptions('{ defaults: { lr: Infinity } }') },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['invalid setting bowlOptions.defaults.lr: must be a number in (0, 1000000], got Infinity'],
  },
  {
    name: 'file and RUN.json problems together',
    files: { 'loss.ts': withOptions('{ defaults: { trials: 0 } }'), 'run.json': { steps: -1 } },
    args: ['run', 'loss.ts', '--config', 'run.json'],
    exit: 2,
    says: [
      `invalid setting bowlOptions.defaults.trials: ${RANGE.trials}, got 0`,
      'invalid setting steps: must be an integer in [1, 10000000], got -1',
    ],
  },

  // ---- flags, from the same table ----
  {
    name: '--time-limit 2147484 would overflow setTimeout',
    args: ['run', 'loss.ts', '--time-limit', '2147484'],
    exit: 2,
    says: [`--time-limit ${RANGE.timeLimit}, got 2147484`],
  },
  { name: '--time-limit -5', args: ['run', 'loss.ts', '--time-limit', '-5'], exit: 2, says: [`--time-limit ${RANGE.timeLimit}, got -5`] },
  { name: '--stall-seconds 0', args: ['run', 'loss.ts', '--stall-seconds', '0'], exit: 2, says: [`--stall-seconds ${RANGE.stall}, got 0`] },
  {
    name: '--stall-seconds 1e999',
    args: ['run', 'loss.ts', '--stall-seconds', '1e999'],
    exit: 2,
    says: [`--stall-seconds ${RANGE.stall}, got Infinity`],
  },
  { name: '--memory-mb 16', args: ['run', 'loss.ts', '--memory-mb', '16'], exit: 2, says: [`--memory-mb ${RANGE.memory}, got 16`] },
  { name: '--workers 200', args: ['run', 'loss.ts', '--workers', '200'], exit: 2, says: [`--workers ${RANGE.workers}, got 200`] },
  { name: '--workers 1.5', args: ['run', 'loss.ts', '--workers', '1.5'], exit: 2, says: [`--workers ${RANGE.workers}, got 1.5`] },
  { name: '--trials abc', args: ['run', 'loss.ts', '--trials', 'abc'], exit: 2, says: [`--trials ${RANGE.trials}, got "abc"`] },
  { name: '--trials empty', args: ['run', 'loss.ts', '--trials='], exit: 2, says: [`--trials ${RANGE.trials}, got ""`] },
  {
    name: '--seed of 300 characters',
    args: ['run', 'loss.ts', '--seed', 's'.repeat(300)],
    exit: 2,
    says: ['invalid setting seed: must be a string of 1 to 200 characters'],
  },
  {
    name: '--function that is not a name',
    args: ['run', 'loss.ts', '--function', 'no such'],
    exit: 2,
    says: ['invalid setting function: must name an exported function of the file'],
  },
  {
    name: '--function that is not exported',
    args: ['run', 'loss.ts', '--function', 'nosuch'],
    exit: 2,
    says: ['has no exported function "nosuch" once bundled; exported functions: bowl'],
  },
  {
    name: 'every bad flag and setting at once',
    ...run({ stpes: 1 }, '--trials', '0', '--workers', '999', '--time-limit', '1e7'),
    exit: 2,
    says: [
      `--trials ${RANGE.trials}, got 0`,
      `--workers ${RANGE.workers}, got 999`,
      `--time-limit ${RANGE.timeLimit}, got 10000000`,
      'unknown setting stpes; did you mean steps?',
    ],
  },
  {
    name: 'unknown option with a suggestion',
    args: ['run', 'loss.ts', '--trails', '3'],
    exit: 2,
    says: ['unknown option --trails; did you mean --trials?'],
  },
  { name: 'a flag without its value', args: ['run', 'loss.ts', '--trials'], exit: 2, says: ['--trials needs a value'] },
  {
    name: 'unknown command',
    args: ['frobnicate', 'loss.ts'],
    exit: 2,
    says: ['unknown command "frobnicate" (expected run, sweep, merge or list)'],
  },
  {
    name: 'sweep: a shard out of range',
    args: ['sweep', 'loss.ts', '--config', 'sweep.json', '--shard', '8/8', '--out', 'part.json'],
    exit: 2,
    says: ['--shard must be K/N with N in [1, 100000] and K in 0 … N−1 (e.g. 0/8), got "8/8"'],
  },
  { name: 'sweep without --config', args: ['sweep', 'loss.ts'], exit: 2, says: ['sweep needs --config SWEEP.json'] },
  { name: 'a flag of another command', args: ['list', 'loss.ts', '--shard', '0/2'], exit: 2, says: ['--shard is not an option of list'] },
  {
    name: 'merge: a part that is not a sweep result',
    args: ['merge', 'part.json', '--out', 'merged.json'],
    files: { 'part.json': { version: 1 } },
    exit: 2,
    says: ['part.json: not a sweep result (SWEEP-RESULT.json with version 1, config and cells)'],
  },
  { name: '--help documents --debug and the exit codes', args: ['--help'], exit: 0, says: [], stdout: ['--debug', 'Exit codes: 0 done'] },

  // ---- FILE ----
  { name: 'missing FILE', args: ['run', 'nope.ts'], exit: 2, says: ['nope.ts: no such file'] },
  {
    name: 'a directory as FILE',
    args: ['run', 'dir'],
    files: { 'dir/a.txt': 'x' },
    exit: 2,
    says: ['dir is a directory; give a .ts file that exports a loss function'],
  },
  { name: 'list on a missing FILE', args: ['list', 'nope.ts'], exit: 2, says: ['nope.ts: no such file'] },
  {
    name: 'missing --config',
    args: ['run', 'loss.ts', '--config', 'none.json'],
    exit: 2,
    says: ['cannot read --config none.json: no such file'],
  },
  {
    name: 'a directory as --config',
    args: ['run', 'loss.ts', '--config', 'dir'],
    files: { 'dir/a.txt': 'x' },
    exit: 2,
    says: ['--config dir is a directory, not a JSON file'],
  },
  {
    name: 'several losses and no function named',
    files: { 'loss.ts': `${LOSS}export function other(x: number): number {\n  return x;\n}\n` },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['exports several losses; choose one of: bowl, other'],
  },
  {
    name: 'a syntax error names file and line',
    files: { 'loss.ts': 'export function f(x: number) {\n  return x +;\n}\n' },
    args: ['run', 'loss.ts'],
    exit: 2,
    says: ['loss.ts:2:'],
  },

  // ---- limits at their edge still run ----
  {
    name: '--time-limit 86400 (the largest) runs to the end',
    ...run(SMALL, '--time-limit', '86400', '--stall-seconds', '3600', '--workers', '1', '--memory-mb', '256'),
    exit: 0,
    says: [],
    stdout: ['function bowl (dim 2), 2 trials × 10 steps'],
  },

  // ---- the private bundle folder: code is loaded only from a folder no one else can write ----
  {
    name: 'TMPDIR writable by everyone without the sticky bit is refused',
    ...run(SMALL),
    setup: (cwd) => {
      mkdirSync(join(cwd, 'open'));
      chmodSync(join(cwd, 'open'), 0o777);
    },
    env: { TMPDIR: '$CWD/open' },
    exit: 2,
    says: ['open is writable by every user without the sticky bit (mode 0777)', 'set TMPDIR'],
  },
  {
    name: 'a planted sgd-landscape-bundles folder in TMPDIR is never used',
    ...run(SMALL),
    setup: (cwd) => {
      // The old fixed folder, made first by someone else and open to all: the attack of issue 8.
      mkdirSync(join(cwd, 'tmp', 'sgd-landscape-bundles'), { recursive: true });
      chmodSync(join(cwd, 'tmp'), 0o1777);
      chmodSync(join(cwd, 'tmp', 'sgd-landscape-bundles'), 0o777);
    },
    env: { TMPDIR: '$CWD/tmp' },
    exit: 0,
    says: [],
    stdout: ['function bowl (dim 2)'],
    after: (cwd) => {
      // Nothing was written to the planted folder, and the run's own private folder is gone.
      assert.deepEqual(readdirSync(join(cwd, 'tmp', 'sgd-landscape-bundles')), []);
      assert.deepEqual(readdirSync(join(cwd, 'tmp')), ['sgd-landscape-bundles']);
    },
  },
  ...(process.getuid?.() === 0
    ? [
        {
          name: 'TMPDIR owned by another user is refused (root only: chown)',
          ...run(SMALL),
          setup: (cwd: string) => {
            mkdirSync(join(cwd, 'theirs'));
            chmodSync(join(cwd, 'theirs'), 0o755);
            chownSync(join(cwd, 'theirs'), 65534, 65534);
          },
          env: { TMPDIR: '$CWD/theirs' },
          exit: 2,
          says: ['theirs belongs to another user (uid 65534)', 'set TMPDIR'],
        },
      ]
    : []),

  // ---- the user's code ending the process or eating memory: never a silent exit 0 ----
  // The memory rows are decided by a memory limit alone, which trips at a fixed amount of memory
  // however slow the machine is: their stall limit is an hour (MEMORY_ROW). With the default 10 s
  // the stall raced the heap limit, and at load 13–19 (the bomb's thread starved: its time in user
  // code to reach 64 MB grew from ~0.2 s to seconds) the stall won and the row failed.
  {
    name: 'a memory bomb at the top level, --memory-mb 64',
    files: { 'loss.ts': top('const h: number[][] = [];\nfor (;;) h.push(new Array(1e6).fill(1));') },
    args: ['run', 'loss.ts', '--memory-mb', '64', '--workers', '1', ...MEMORY_ROW.args],
    exit: 1,
    says: ['loading ', 'loss.ts ran out of memory: its top-level code needs more than the worker heap limit of 64 MB'],
    repeat: 3,
    timeoutSeconds: MEMORY_ROW.timeoutSeconds,
  },
  {
    name: 'process.exit(0) at the top level',
    files: { 'loss.ts': top('process.exit(0);') },
    args: ['run', 'loss.ts'],
    exit: 1,
    says: ['loss.ts failed: its top level called process.exit(0) (', 'loss.ts:1)'],
    repeat: 3,
  },
  {
    name: 'process.exit(3) at the top level',
    files: { 'loss.ts': top('process.exit(3);') },
    args: ['run', 'loss.ts'],
    exit: 1,
    says: ['loss.ts failed: its top level called process.exit(3) (', 'loss.ts:1)'],
    repeat: 3,
  },
  {
    name: 'process.exit(0) inside the loss',
    ...small1(one('if (x > 0.25) process.exit(0);\n  return x * x;')),
    exit: 1,
    says: ['line called process.exit(0) at x = [', 'loss.ts:2)'],
    repeat: 3,
  },
  {
    name: 'process.exit(3) inside the loss',
    ...small1(one('if (x > 0.25) process.exit(3);\n  return x * x;')),
    exit: 1,
    says: ['line called process.exit(3) at x = [', 'loss.ts:2)'],
    repeat: 3,
  },
  {
    name: 'a memory bomb inside the loss, --memory-mb 64',
    files: { 'loss.ts': `const h: number[][] = [];\n${one('for (;;) h.push(new Array(1e6).fill(x));')}` },
    args: ['run', 'loss.ts', '--memory-mb', '64', '--workers', '1', ...MEMORY_ROW.args],
    exit: 1,
    says: ['line ran out of memory at x ≈ [', 'it needs more than the worker heap limit of 64 MB', 'loss.ts:2)'],
    repeat: 3,
    timeoutSeconds: MEMORY_ROW.timeoutSeconds,
  },
  {
    // Outside the JS heap, so the heap limit alone never stops it (3.9 GB with --memory-mb 128 in
    // the issue): the process's budget does. 20 × 80 MB at most, then it waits to be stopped.
    name: 'typed arrays inside the loss count against the memory budget, --memory-mb 32',
    files: {
      'loss.ts': `const hoard: Float64Array[] = [];\n${one('while (hoard.length < 20) hoard.push(new Float64Array(1e7).fill(x));\n  for (;;) {}')}`,
    },
    args: ['run', 'loss.ts', '--memory-mb', '32', '--workers', '1', ...MEMORY_ROW.args],
    exit: 1,
    says: ['line used too much memory at x', 'over its budget of 1 worker × 64 MB + 1024 MB; typed arrays and buffers count', 'loss.ts:2)'],
    timeoutSeconds: MEMORY_ROW.timeoutSeconds,
  },
  {
    name: 'a promise rejected at the top level, nothing handling it',
    files: { 'loss.ts': top("Promise.reject(new Error('not ready'));") },
    args: ['run', 'loss.ts'],
    exit: 1,
    says: ['loss.ts failed: its top level rejected a promise that nothing handled: not ready (', 'loss.ts:1)'],
  },
  {
    // It surfaced after 9 s before. Nothing else can end this run (the loss never returns and the
    // stall limit is an hour): it ends only if the rejection fails the load at once, not after
    // the trials or a timer (the 60 s exec timeout would fail the row).
    name: 'a top-level rejection fails loading at once, before a loss that would hang for an hour',
    files: { 'loss.ts': "Promise.reject(new Error('not ready'));\nexport function line(x: number): number {\n  for (;;) {}\n}\n" },
    args: ['run', 'loss.ts', '--stall-seconds', '3600'],
    exit: 1,
    says: ['loss.ts failed: its top level rejected a promise that nothing handled: not ready (', 'loss.ts:1)'],
  },
  {
    name: 'a timer of the module throws later',
    ...small1(top("setTimeout(() => {\n  throw new Error('late');\n}, 1);")),
    exit: 1,
    says: ['code outside the loss (a timer or callback) threw: late (', 'loss.ts:2)'],
  },
  {
    name: 'megabytes of console.log per call are cut and counted',
    ...small1(one("console.log('y'.repeat(100_000));\n  return x * x;")),
    exit: 0,
    says: ['line printed ', 'MB more (', 'lines) that are not shown]'],
    stdout: ['function line (dim 1)'],
    maxStderr: 80_000,
  },

  // ---- the engine's own storage: a result too large to keep is refused before the run ----
  {
    name: 'trials 100,000 at dim 30 (x·x): the result budget, named with the largest trials that fit',
    files: { 'loss.ts': SQUARE10, 'run.json': { dim: 30, trials: 100_000, steps: 10, resolution: 5 } },
    args: ['run', 'loss.ts', '--config', 'run.json'],
    exit: 2,
    says: ["trials: the run's result would hold ", 'more than the 20,000,000 one run may keep', 'lower trials from 100,000 to at most '],
  },
  {
    name: '60 sampled paths × 100,000 points: trajectoryPoints named, with its largest fitting value',
    ...run({ trials: 60, sampleTrajectories: 60, trajectoryPoints: 100_000, steps: 100_000, resolution: 5 }),
    exit: 2,
    says: [
      "trajectoryPoints: the run's result would hold ",
      'of them sampled paths: 60 of 100,000 points',
      'lower trajectoryPoints from 100,000 to at most ',
      'or lower sampleTrajectories from 60 to at most ',
    ],
  },
  {
    name: 'a checkpoint series of 10,000 × 1000 sampled trials: checkpoints named',
    files: {
      'loss.ts': one('return x * x;'),
      'run.json': { ...SMALL1, trials: 1000, sampleTrajectories: 1000, steps: 10_000, checkpoints: 10_000 },
    },
    args: ['run', 'loss.ts', '--config', 'run.json'],
    exit: 2,
    says: [
      "checkpoints: the run's result would hold ",
      'Figure 5 checkpoints: 10,000 per sampled trial of 1,000',
      'lower checkpoints from 10,000 to at most ',
      'or lower sampleTrajectories from 1,000 to at most ',
    ],
  },
  {
    name: 'resolution 2001 in 2-D with three noise radii: resolution named',
    ...run({
      ...SMALL,
      resolution: 2001,
      stages: [0.1, 0.2, 0.3].map((radius) => ({ lr: 0.01, radius, steps: 5, noise: 'uniform' })),
    }),
    exit: 2,
    says: [
      "resolution: the run's result would hold ",
      'of them landscape maps: 7 of 2,001 × 2,001 points',
      'lower resolution from 2,001 to at most ',
    ],
  },
  {
    // Within every setting's range (the issue: refused by the budget without saying how to fit).
    name: 'resolution 2001 in 2-D with two noise radii: every single change that fits',
    ...run({
      ...SMALL,
      resolution: 2001,
      stages: [0.1, 0.2].map((radius) => ({ lr: 0.01, radius, steps: 5, noise: 'uniform' })),
    }),
    exit: 2,
    says: [
      "resolution: the run's result would hold ",
      'of them landscape maps: 5 of 2,001 × 2,001 points',
      'each of these alone makes it fit: lower resolution from 2,001 to at most 1,999; or use one noise radius in the stages',
    ],
  },
  {
    name: "a finite sum of dim 5000 with minibatch noise: the gradient noise's covariance (d × d) is counted",
    files: {
      'loss.ts':
        'export function ls(w: number[], e: number): number {\n  return w[0] * e;\n}\nexport const lsOptions = { dim: 5000, data: [1, 2, 3, 4] };\n',
      'run.json': { trials: 1, steps: 2, resolution: 3, slices: 1, sampleTrajectories: 0, noise: 'minibatch', batchSize: 1 },
    },
    args: ['run', 'loss.ts', '--config', 'run.json'],
    exit: 2,
    // dim is named where it was set: lsOptions.dim, on line 4.
    says: [
      "lsOptions.dim: the run's result would hold ",
      "of them the minibatch gradient noise's covariance at x*: 5,000 × 5,000",
      'lower lsOptions.dim from 5,000 to at most ',
      'loss.ts:4)',
    ],
  },

  // ---- values of the wrong kind from the loss ----
  {
    name: 'a loss returning -Infinity everywhere',
    ...small1(one('return -Infinity;')),
    exit: 1,
    says: ['line is not finite anywhere on the landscape: it returned -Infinity at x = [-3] and at all 5 grid points', 'loss.ts:1)'],
  },
  {
    name: 'a loss returning NaN everywhere',
    ...small1(one('return NaN * x;')),
    exit: 1,
    says: ['line is not finite anywhere on the landscape: it returned NaN at x = [-3]'],
  },
  {
    name: 'a loss returning numeric strings',
    ...small1(one('return String(x * x) as unknown as number;')),
    exit: 1,
    says: ['line must return a number; at x = [', 'it returned the string "', 'loss.ts:1)'],
  },
  {
    name: 'a loss returning undefined',
    ...small1('export function line(x: number): number {\n  if (x > 100) return 1;\n  return undefined as unknown as number;\n}\n'),
    exit: 1,
    says: ['line must return a number; at x = [', 'it returned undefined (', 'loss.ts:1)'],
  },
  {
    name: 'NaN on part of the domain: gaps, said so, never an internal error',
    ...small1(one('return x < -1 ? NaN : x * x;'), '--out', 'out.json'),
    exit: 0,
    says: ['wrote '],
    stdout: ['line is not finite at 2 of 5 landscape points (first NaN at x = [-3]); they are gaps'],
  },
  {
    name: 'Infinity on part of the domain in 2-D',
    ...run(SMALL),
    files: {
      'run.json': { ...SMALL, domain: { low: [-3, -3], high: [3, 3] } },
      'loss.ts': 'export function bowl(x: number, y: number): number {\n  return x > 1.4 ? Infinity : x * x + y * y;\n}\n',
    },
    exit: 0,
    says: [],
    // f's gaps on the grid, and g's where the smoothing's samples between and beyond them are not finite.
    stdout: [
      'bowl is not finite at 10 of 25 landscape points (first Infinity at x = [1.5, -3])',
      ' gaps among its 25 grid points: bowl is Infinity at x = [',
    ],
  },
  {
    name: 'a gradient of the wrong length names the gradient and its line',
    ...run(SMALL),
    files: { 'run.json': SMALL, 'loss.ts': withOptions('{\n  gradient: (x: number, y: number) => [2 * x],\n}') },
    exit: 1,
    says: ['bowlOptions.gradient must return an array of 2 numbers; at x = [', 'it returned an array of length 1 (', 'loss.ts:5)'],
  },
  {
    name: 'a gradient that throws names the gradient and its line',
    ...run(SMALL),
    files: {
      'run.json': SMALL,
      'loss.ts': withOptions("{\n  gradient: (x: number, y: number): number[] => {\n    throw new Error('no gradient here');\n  },\n}"),
    },
    exit: 1,
    says: ['bowlOptions.gradient threw at x = [', 'no gradient here (', 'loss.ts:6)'],
  },

  {
    // Long trials (hours) and a short time limit: the landscape's failure must end the run at once,
    // not wait for the trials (before, it surfaced only after them: here, the time limit).
    name: 'a throw on part of the domain ends the run at once, with its input and line',
    files: {
      'loss.ts': one("if (x > 2.5) throw new Error('too far');\n  return x * x;"),
      // Small noise and an init box far from x > 2.5: only the landscape meets the throw.
      'run.json': {
        ...SMALL1,
        trials: 10_000,
        steps: 10_000_000,
        radius: 0.01,
        init: { low: [-1], high: [1] },
        domain: { low: [-3], high: [3] },
      },
    },
    args: ['run', 'loss.ts', '--config', 'run.json', '--time-limit', '20'],
    exit: 1,
    says: ['line threw at x = [3]: too far (', 'loss.ts:2)'],
  },

  // ---- the watchdog times one call, not a phase; loading hangs are said to be loading ----
  {
    // 1 ms per call, about 1.6 s per landscape row: the old watchdog (one beat per row) called it hung.
    name: 'a loss of 1 ms per call with --stall-seconds 1 is not a false alarm',
    ...run({ ...SMALL, resolution: 3 }, '--stall-seconds', '1'),
    files: {
      'run.json': { ...SMALL, resolution: 3 },
      'loss.ts':
        'export function bowl(x: number, y: number): number {\n  const t = performance.now();\n  while (performance.now() - t < 1) {}\n  return x * x + y * y;\n}\n',
    },
    exit: 0,
    says: [],
    stdout: ['function bowl (dim 2), 2 trials × 10 steps'],
  },
  {
    name: 'a hang at the top level is reported as loading the file',
    files: { 'loss.ts': top('for (;;) {}') },
    args: ['run', 'loss.ts', '--stall-seconds', '0.5'],
    exit: 1,
    says: ['loading ', 'loss.ts did not finish within 0.5 s: its top-level code hangs or is too slow'],
  },
  {
    name: 'a hang on part of the domain is found on the landscape, with its input and line',
    ...small1(one('if (x < -2) for (;;) {}\n  return x * x;'), '--stall-seconds', '0.5'),
    exit: 1,
    says: ['line did not return within 0.5 s at x ≈ [-3]; the worker was stopped', 'loss.ts:1)'],
  },

  // ---- --out: checked first, never an input, written whole ----
  {
    name: '--out equal to the loss file is refused',
    ...run(SMALL, '--out', 'loss.ts'),
    exit: 2,
    says: ['--out loss.ts is the input file loss.ts; refusing to overwrite it'],
    same: ['loss.ts'],
  },
  {
    name: '--out equal to --config is refused',
    ...run(SMALL, '--out', './run.json'),
    exit: 2,
    says: ['--out ./run.json is the input file run.json; refusing to overwrite it'],
    same: ['run.json'],
  },
  {
    name: '--out a directory',
    ...run(SMALL, '--out', 'dir'),
    files: { 'run.json': SMALL, 'dir/a.txt': 'x' },
    exit: 2,
    says: ['--out dir is a directory; give a file path such as dir/RESULT.json'],
  },
  {
    name: '--out in a missing folder is found before the run',
    ...run(SMALL, '--out', 'nope/RESULT.json'),
    exit: 2,
    says: ['--out nope/RESULT.json: the folder ', 'nope does not exist'],
  },
  {
    name: '--out where no file can be made',
    ...run(SMALL, '--out', '/proc/RESULT.json'),
    exit: 2,
    says: ['--out /proc/RESULT.json: cannot write in the folder /proc ('],
  },
  {
    name: '--out replaces the previous result whole, leaving no temporary file',
    ...run(SMALL, '--out', 'RESULT.json'),
    files: { 'run.json': SMALL, 'RESULT.json': 'old' },
    exit: 0,
    says: ['wrote '],
    after: (cwd) => {
      assert.equal((JSON.parse(readFileSync(join(cwd, 'RESULT.json'), 'utf8')) as { config: { trials: number } }).config.trials, 2);
      assert.deepEqual(readdirSync(cwd).sort(), ['RESULT.json', 'loss.ts', 'run.json']);
    },
  },
];

/** A 1-D loss `line(x)` with `body` (its line 1 is the declaration). */
function one(body: string): string {
  return `export function line(x: number): number {\n  ${body}\n}\n`;
}

/** `code` at the top of the file, then a plain 1-D loss. */
function top(code: string): string {
  return `${code}\nexport function line(x: number): number {\n  return x * x;\n}\n`;
}

const STACK = /^\s+at .+[:(]\d+:\d+\)?$/m;

function exec(
  args: string[],
  cwd: string,
  env?: Record<string, string>,
  timeoutSeconds = 60,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const extra = Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, v.replace('$CWD', cwd)]));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutSeconds * 1000, env: { ...process.env, ...extra } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

before(() => {
  if (!existsSync(cli)) {
    const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(b.status, 0, `npm run build failed:\n${b.stderr}`);
  }
});

describe('bad input against the CLI', { concurrency: 4 }, () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'sgd-bad-'));
      const files: Record<string, unknown> = { 'loss.ts': LOSS, ...c.files };
      for (const [name, content] of Object.entries(files)) {
        const path = join(cwd, name);
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      }
      c.setup?.(cwd);
      const before = new Map((c.same ?? []).map((f) => [f, readFileSync(join(cwd, f), 'utf8')]));
      for (let attempt = 1; attempt <= (c.repeat ?? 1); attempt++) {
        const r = await exec(c.args, cwd, c.env, c.timeoutSeconds);
        const report = process.env.BAD_INPUT_REPORT;
        if (report) appendFileSync(report, `${JSON.stringify({ name: c.name, exit: r.code, stderr: r.stderr.slice(0, 2000) })}\n`);
        const shown = `attempt ${attempt}: exit ${r.code}\n--- stderr\n${r.stderr.slice(0, 3000)}\n--- stdout\n${r.stdout.slice(0, 1000)}`;
        assert.equal(r.code, c.exit, shown);
        for (const s of c.says) assert.ok(r.stderr.includes(s), `stderr lacks ${JSON.stringify(s)}\n${shown}`);
        for (const s of c.stdout ?? []) assert.ok(r.stdout.includes(s), `stdout lacks ${JSON.stringify(s)}\n${shown}`);
        if (!c.stack) assert.doesNotMatch(r.stderr, STACK, `a stack trace for a user error\n${shown}`);
        assert.ok(r.stderr.length <= (c.maxStderr ?? 4000), `stderr of ${r.stderr.length} characters\n${shown}`);
        for (const [f, text] of before) assert.equal(readFileSync(join(cwd, f), 'utf8'), text, `${f} was changed\n${shown}`);
        c.after?.(cwd);
      }
    });
  }
});
