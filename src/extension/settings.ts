/**
 * The `sgdLandscape.*` settings as plain data: validation against the settings table
 * (src/engine/settingsSchema.ts; VS Code does not enforce a schema's ranges on a hand-edited
 * settings.json) and the settings as the lowest layer of a run input. The merge itself is the
 * engine's (`resolveConfig` / `mergeRunInputs` in src/engine/config.ts), shared with the CLI.
 * No `vscode` import, so it is unit-tested directly.
 */
import { ConfigError, mergeRunInputs } from '../engine/config';
import { SETTINGS_SECTION, VSCODE_SETTINGS, fieldSpec } from '../engine/settingsSchema';
import { Problems, checkField } from '../engine/settingsValidate';
import type { Decay, NoiseKind, RunConfigInput, Stage } from '../engine/types';
import { SUGGESTED_FIELDS, type SuggestedField } from '../engine/suggest';

/** A run input layer; the flat lr/radius/noise/steps/decay shorthand is part of RunConfigInput. */
export type RunInputLayer = RunConfigInput;

export interface ExtensionSettings {
  lr: number;
  radius: number;
  noise: NoiseKind;
  steps: number;
  trials: number;
  seed: string;
  dim: number;
  schedule: Array<Partial<Stage>>;
  decay: Decay;
  /** 0 = automatic (601 points in 1-D, 201 per axis otherwise). */
  resolution: number;
  /** 0 = one worker per core. */
  workers: number;
  /** 0 = no limit. */
  timeLimitSeconds: number;
  stallSeconds: number;
  memoryLimitMb: number;
  watch: boolean;
  compareGd: boolean;
  /**
   * Which of lr, radius and steps the user has set in no scope (read with `inspect`): the run
   * derives them from the function (engine/suggest.ts) unless the file or the side panel sets
   * them. Absent: all three count as set (the table's values are used as given).
   */
  unset?: SuggestedField[];
}

/** Every setting's default, from the table. */
export const DEFAULT_SETTINGS: ExtensionSettings = Object.freeze(
  Object.fromEntries(
    VSCODE_SETTINGS.map((s) => {
      const spec = fieldSpec(s.field);
      return [s.key, structuredClone(s.default ?? ('default' in spec ? spec.default : undefined))];
    }),
  ),
) as unknown as ExtensionSettings;

/** Bad values in the user's settings; each problem's `setting` is the full id, e.g. `sgdLandscape.lr`. */
export class SettingsError extends ConfigError {
  static fromProblems(p: Problems): SettingsError {
    return new SettingsError(p.list[0].setting, p.list[0].message, p.list, p.more);
  }
  constructor(...args: ConstructorParameters<typeof ConfigError>) {
    super(...args);
    this.name = 'SettingsError';
  }
}

/**
 * Which of lr, radius and steps are set in no scope, from `WorkspaceConfiguration.inspect` of
 * each (global, workspace, folder, and their language-specific values).
 */
export function unsetFields(inspect: (key: string) => Record<string, unknown> | undefined): SuggestedField[] {
  return SUGGESTED_FIELDS.filter((k) => {
    const i = inspect(k);
    return (
      !i ||
      Object.entries(i).every(
        ([scope, v]) => scope === 'key' || scope === 'defaultValue' || scope === 'defaultLanguageValue' || v === undefined,
      )
    );
  });
}

/** The settings' keys, for the host to read them with `WorkspaceConfiguration.get`. */
export const SETTING_KEYS: readonly string[] = VSCODE_SETTINGS.map((s) => s.key);

/**
 * Validates raw values (as `WorkspaceConfiguration.get` returns them); missing → defaults.
 * Throws a SettingsError listing every bad setting at once.
 */
export function parseSettings(raw: Readonly<Record<string, unknown>>): ExtensionSettings {
  const out = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>;
  const p = new Problems();
  for (const s of VSCODE_SETTINGS) {
    const v = Object.prototype.hasOwnProperty.call(raw, s.key) ? raw[s.key] : undefined;
    if (v === undefined || v === null) continue;
    // An empty schedule is the default: one stage from lr/radius/steps/noise.
    if (s.key === 'schedule' && Array.isArray(v) && v.length === 0) continue;
    const before = p.count;
    const x = checkField(p, v, fieldSpec(s.field), `${SETTINGS_SECTION}.${s.key}`);
    if (x !== undefined && p.count === before) out[s.key] = x;
  }
  if (p.count > 0) throw SettingsError.fromProblems(p);
  return out as unknown as ExtensionSettings;
}

export interface RunnerLimits {
  workers?: number;
  timeLimitMs: number;
  stallMs: number;
  memoryLimitMb: number;
}

export function runnerLimits(s: ExtensionSettings): RunnerLimits {
  const out: RunnerLimits = {
    timeLimitMs: Math.round(s.timeLimitSeconds * 1000),
    stallMs: Math.round(s.stallSeconds * 1000),
    memoryLimitMb: s.memoryLimitMb,
  };
  if (s.workers > 0) out.workers = s.workers;
  return out;
}

/**
 * The settings as the lowest layer of a run input. `dim` is included: the engine uses it only
 * for losses whose signature does not fix the dimension. Pass `argStyle: 'scalars'` to leave it
 * out (for display).
 */
export function settingsLayer(s: ExtensionSettings, argStyle: 'scalars' | 'array' = 'array'): RunInputLayer {
  const layer: RunInputLayer = {
    trials: s.trials,
    seed: s.seed,
    compareGd: s.compareGd,
    resolution: s.resolution,
    lr: s.lr,
    radius: s.radius,
    noise: s.noise,
    steps: s.steps,
  };
  if (argStyle === 'array') layer.dim = s.dim;
  // Not set by the user: left to the layers above, else suggested from the function.
  for (const k of s.unset ?? []) delete layer[k];
  if (s.schedule.length > 0) layer.stages = structuredClone(s.schedule);
  if (s.decay.kind !== 'constant') layer.decay = structuredClone(s.decay);
  return layer;
}

/** What the file's `<name>Options` contributes as a layer: its `defaults`, with `dim` below them. */
function fileLayers(options: { dim?: number; defaults?: RunConfigInput } | undefined): RunInputLayer[] {
  if (!options) return [];
  return [options.dim !== undefined ? { dim: options.dim } : {}, options.defaults ?? {}];
}

/**
 * The effective run input for `exportName` for display (the side panel): settings < the file's
 * `<name>Options` < overrides, by the engine's one merge rule. Runs resolve through
 * `prepareRun` (src/runner/prepare.ts), which applies the same rule with validation.
 */
export function buildRunInput(args: {
  exportName: string;
  argStyle: 'scalars' | 'array';
  settings: ExtensionSettings;
  options?: { dim?: number; defaults?: RunConfigInput };
  overrides?: RunInputLayer;
}): RunConfigInput {
  const merged = mergeRunInputs([settingsLayer(args.settings, args.argStyle), ...fileLayers(args.options), args.overrides]);
  merged.function = args.exportName;
  return merged;
}

/** The effective flat values to show in the side panel (from the first stage of the input). */
export function displaySettings(input: RunConfigInput): RunConfigInput & { lr: number; radius: number; noise: NoiseKind; steps: number } {
  const first = input.stages?.[0] ?? {};
  return {
    ...input,
    lr: first.lr ?? DEFAULT_SETTINGS.lr,
    radius: first.radius ?? DEFAULT_SETTINGS.radius,
    noise: first.noise ?? DEFAULT_SETTINGS.noise,
    steps: first.steps ?? DEFAULT_SETTINGS.steps,
  };
}
