/**
 * RESULT.json's layout, written and read. Version 3 writes every method's per-trial data once, in
 * `methods`; the top-level `sgd`, `gd` and `finals` of versions 1 and 2 (copies of two methods and
 * of the `sgd` method's finals, about half of a large file) are left out, and a reader gets them
 * back from the methods' `role`. Stored runs of every version stay readable: the extension's run
 * store and everything else that reads a result file go through `fromResultFile`.
 */
import type { ExperimentResult, MethodRun } from './resultTypes';
import type { NoiseModelTrials } from './gradientNoiseTypes';

/** The version `toResultFile` writes. */
export const RESULT_VERSION = 3;

/** RESULT.json as version 3 writes it: the result without the copies `sgd`, `gd` and `finals`. */
export type ResultFile = Omit<ExperimentResult, 'sgd' | 'gd' | 'finals'>;

/**
 * What to write for `result` (shallow: it shares every array with `result`). A stored run whose
 * methods do not carry the roles of its `sgd` and `gd` (one stored before `methods` existed) is
 * written as it is, in its own version.
 */
export function toResultFile(result: ExperimentResult): ResultFile {
  const has = (role: 'sgd' | 'gd') => Array.isArray(result.methods) && result.methods.some((m) => m.role === role);
  if (!has('sgd') || (result.gd !== undefined && !has('gd'))) return result;
  const { sgd: _sgd, gd: _gd, finals: _finals, ...file } = result;
  return { ...file, version: RESULT_VERSION };
}

/**
 * A parsed result file of any version as an ExperimentResult. Version 3: `sgd` and `gd` are the
 * methods of those roles (the same objects, as `assembleResult` makes them; `sgd` the first method
 * when none has the role) and `finals` is `sgd.finals`. Versions 1 and 2 wrote them and are
 * returned as they are (a run stored before `methods` existed has only `sgd` and `gd`). Throws
 * on a version 3 file without methods. The noise-model trials of an older 2-D file move to where
 * they are now (`movedModelTrials`).
 */
export function fromResultFile(file: ResultFile | ExperimentResult): ExperimentResult {
  movedModelTrials(file);
  if ('sgd' in file && file.sgd !== undefined) return file;
  const methods: MethodRun[] | undefined = file.methods;
  if (!Array.isArray(methods) || methods.length === 0) {
    throw new Error(`not a result: RESULT.json version ${String(file.version)} without \`methods\``);
  }
  const sgd = methods.find((m) => m.role === 'sgd') ?? methods[0];
  const gd = methods.find((m) => m.role === 'gd');
  const result: ExperimentResult = { ...file, finals: sgd.finals, sgd };
  if (gd) result.gd = gd;
  return result;
}

/**
 * Files written before the noise-model trials ran for any d kept them (2-D only) at
 * `diagnostics.gradientNoise.landscapes.trials`; they are read at `gradientNoise.modelTrials`.
 */
function movedModelTrials(file: ResultFile | ExperimentResult): void {
  const gn = file.diagnostics?.gradientNoise as
    (NonNullable<ExperimentResult['diagnostics']['gradientNoise']> & { landscapes?: { trials?: NoiseModelTrials } }) | undefined;
  const old = gn?.landscapes?.trials;
  if (!gn || !old) return;
  gn.modelTrials ??= old;
  delete gn.landscapes!.trials;
}
