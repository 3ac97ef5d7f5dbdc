/**
 * `sgd-landscape sweep` and `sgd-landscape merge`: a grid of runs (noise radius × learning rate,
 * optionally × steps or trials) as one SWEEP-RESULT.json, run whole or as shard K of N (a
 * cluster's job array), and the parts merged back into exactly the whole.
 */
import { SWEEP_FIELD } from '../engine/settingsSchema';
import { Problems, checkSweep } from '../engine/settingsValidate';
import { resolveSweep, sweepPoints, type SweepGrid } from '../engine/sweep';
import { mergeSweeps } from '../engine/sweepMerge';
import { ExperimentRunner } from '../runner/pool';
import { prepareRun } from '../runner/prepare';
import { runSweep } from '../runner/sweep';
import { sweepTable } from '../view/sweep';
import {
  CliProblems,
  UsageError,
  checkOut,
  cliLine,
  explicitInput,
  onlyFlags,
  progressLine,
  readJson,
  runnerFlags,
  writeResult,
  type Args,
} from './common';

export const SWEEP_HELP = `sweep options (and run's --function, --seed, --trials, --workers, --stall-seconds,
--time-limit, --memory-mb, --quiet):
  --config FILE      SWEEP.json: a RUN.json plus "sweep": {"radius": [...], "lr": [...]}, optionally
                     "steps": [...] or "trials": [...] as a third axis, and "allStages": true
  --out FILE         write SWEEP-RESULT.json (needed with --shard)
  --shard K/N        run only the K-th of N equal parts of the cells (K = 0 … N−1): a part to merge

merge: sgd-landscape merge PART... --out SWEEP-RESULT.json
  checks the parts come from the same SWEEP.json and cover every cell once, and writes the result
  the unsharded sweep writes (timing fields aside).`;

const SWEEP_FLAGS = ['config', 'out', 'function', 'shard', 'seed', 'trials', 'workers', 'stall-seconds', 'time-limit', 'memory-mb'];

/** --shard K/N → { index: K, count: N }. */
function shardFlag(v: string | true | undefined): { index: number; count: number } | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1 && count <= 100_000) || !(index < count)) {
    throw new UsageError(`--shard must be K/N with N in [1, 100000] and K in 0 … N−1 (e.g. 0/8), got ${JSON.stringify(v)}`);
  }
  return { index, count };
}

export async function sweep(args: Args): Promise<number> {
  const file = args.files[0];
  if (!file) throw new UsageError('sweep needs a FILE (a .ts file exporting a loss) and --config SWEEP.json');
  onlyFlags(args, 'sweep', SWEEP_FLAGS);
  const shard = shardFlag(args.flags.get('shard'));
  const out = args.flags.get('out');
  if (shard && typeof out !== 'string') throw new UsageError('--shard writes a part to merge: give it --out PART.json');
  const problems: string[] = [];
  const runnerOptions = runnerFlags(args, problems);
  if (!args.flags.has('config'))
    throw new UsageError('sweep needs --config SWEEP.json (a RUN.json with "sweep": {"radius": [...], "lr": [...]})');
  const { input, taken, name } = await explicitInput(args, problems, 'sweep');
  if (taken === undefined) throw new UsageError(`${name} has no "sweep": add "sweep": {"radius": [...], "lr": [...]}`);
  const p = new Problems();
  const grid = checkSweep(p, taken, SWEEP_FIELD, 'sweep');
  if (!grid) throw new CliProblems(p.list.map(cliLine));

  // --out is checked before the sweep, never an input.
  const outPath = typeof out === 'string' ? await checkOut(out, [file, args.flags.get('config') as string]) : undefined;

  const quiet = args.flags.has('quiet');
  const runner = new ExperimentRunner(runnerOptions);
  // As for run: the workers start while the file is bundled.
  runner.prestart();
  try {
    const prepared = await prepareRun(runner, file, input, { sweep: true });
    const config = resolveSweep(prepared.config, grid as SweepGrid);
    const progress = progressLine(quiet);
    const result = await runSweep(runner, prepared.loss, config, {
      shard,
      source: { file: prepared.loss.sourceFile, exportName: prepared.loss.exportName },
      onProgress: (done, total) => progress.show(shard ? `shard ${shard.index}/${shard.count}` : 'sweep', done, total),
    });
    progress.clear();
    if (outPath) {
      await writeResult(outPath, result);
      if (!quiet)
        console.error(
          `wrote ${outPath}${shard ? ` (shard ${shard.index}/${shard.count}: ${result.cells.length} of ${sweepPoints(config).length} cells)` : ''}`,
        );
    }
    if (!shard) console.log(sweepTable(result));
    return 0;
  } finally {
    runner.dispose();
  }
}

export async function merge(args: Args): Promise<number> {
  onlyFlags(args, 'merge', ['out']);
  const out = args.flags.get('out');
  if (args.files.length === 0) throw new UsageError('merge needs the PART files written by sweep --shard K/N');
  if (typeof out !== 'string') throw new UsageError('merge needs --out SWEEP-RESULT.json');
  const outPath = await checkOut(out, args.files);
  const parts = [];
  for (const f of args.files) parts.push({ name: f, result: await readJson(f, f) });
  const result = mergeSweeps(parts);
  await writeResult(outPath, result);
  if (!args.flags.has('quiet')) console.error(`wrote ${outPath} (${parts.length} parts, ${result.cells.length} cells)`);
  console.log(sweepTable(result));
  return 0;
}
