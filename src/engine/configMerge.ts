/**
 * The one merge rule of a run's layers (lowest first), with where each value came from, so a
 * problem can be named after the layer that gave it. The rule (README "Precedence"):
 * - per field the highest layer that gives it wins; boxes and lists replace whole;
 * - a layer's `stages` replace the schedule below it; a field a stage leaves out comes from that
 *   layer's flat lr/radius/steps/noise/decay, then from the layers below;
 * - a layer's flat lr/radius/steps/noise/decay without `stages` sets that field in every stage
 *   of the schedule below it;
 * - with no `stages` anywhere the run is one stage of the flat fields;
 * - a stage with noise "none" or "minibatch" has radius 0 unless a radius is given at its own
 *   layer or above.
 * `resolveConfig` (config.ts) applies it to checked layers; `mergeRunInputs` to unchecked ones
 * for display; `nameBySource` names a setting after the layer its value came from.
 */
import { FLAT_STAGE_KEYS, SETTINGS_SECTION, settingKeyOf } from './settingsSchema';
import { isRecord } from './settingsValidate';
import type { RunConfigInput } from './types';

export type LayerKind = 'defaults' | 'suggested' | 'settings' | 'options' | 'file' | 'input';

export interface Layer {
  kind: LayerKind;
  values: Record<string, unknown>;
  /** The name a top-level key of this layer is written by. */
  path(key: string): string;
}

export interface Sourced {
  v: unknown;
  /** Index of the layer it came from. */
  layer: number;
}

export interface MergedStage {
  fields: Record<string, Sourced>;
  /** The layer whose `stages` list it came from, and its index there (absent: made of flat fields). */
  from?: { layer: number; index: number };
}

export interface Merged {
  values: Record<string, Sourced>;
  stages: MergedStage[];
}

const FLAT: readonly string[] = FLAT_STAGE_KEYS;

export function mergeLayers(layers: readonly Layer[]): Merged {
  const values: Record<string, Sourced> = {};
  const flat: Record<string, Sourced> = {};
  let stages: MergedStage[] | undefined;
  layers.forEach((layer, i) => {
    const own: Record<string, unknown> = {};
    for (const k of FLAT) if (layer.values[k] !== undefined) own[k] = layer.values[k];
    const list = layer.values.stages as Array<Record<string, unknown>> | undefined;
    if (list) {
      stages = list.map((st, index) => {
        const fields: Record<string, Sourced> = {};
        for (const k of Object.keys(st)) fields[k] = { v: st[k], layer: i };
        for (const k of FLAT) {
          if (k in fields) continue;
          if (k in own) fields[k] = { v: own[k], layer: i };
          else if (flat[k]) fields[k] = flat[k];
        }
        return { fields, from: { layer: i, index } };
      });
    } else if (stages) {
      for (const st of stages) for (const k of Object.keys(own)) st.fields[k] = { v: own[k], layer: i };
    }
    for (const k of Object.keys(own)) flat[k] = { v: own[k], layer: i };
    for (const k of Object.keys(layer.values)) {
      if (k !== 'stages' && !FLAT.includes(k) && layer.values[k] !== undefined) values[k] = { v: layer.values[k], layer: i };
    }
  });
  const merged = stages ?? [{ fields: { ...flat } }];
  for (const st of merged) {
    const noise = st.fields.noise;
    const radius = st.fields.radius;
    // "none" has no radius, and "minibatch" none of its own (a radius at its layer or above is an error, config.ts).
    if ((noise?.v === 'none' || noise?.v === 'minibatch') && (!radius || radius.layer < noise.layer))
      st.fields.radius = { v: 0, layer: noise.layer };
  }
  return { values, stages: merged };
}

/** Own enumerable keys, reserved names left out: a display-only copy of an unchecked input. */
function plainLayer(input: RunConfigInput | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(input)) return out;
  for (const k of Object.keys(input)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = (input as Record<string, unknown>)[k];
  }
  if (!Array.isArray(out.stages) || out.stages.length === 0) delete out.stages;
  else out.stages = out.stages.map((s) => plainLayer(s as RunConfigInput));
  return out;
}

/**
 * The merge rule alone, on unchecked inputs (lowest first), for display: the effective input
 * with an explicit `stages` list and no flat lr/radius/steps/noise/decay. Runs go through
 * `resolveConfig`, which applies the same rule to checked layers.
 */
export function mergeRunInputs(inputs: ReadonlyArray<RunConfigInput | undefined>): RunConfigInput {
  const layers = inputs.map((values) => ({ kind: 'input' as const, values: plainLayer(values), path: (k: string) => k }));
  const m = mergeLayers(layers);
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(m.values)) out[k] = s.v;
  out.stages = m.stages.map((st) => {
    const s: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(st.fields)) s[k] = f.v;
    return s;
  });
  return out as RunConfigInput;
}

/**
 * How a message about the resolved run names a setting: by the layer its value came from
 * (`sgdLandscape.trials`, `fOptions.defaults.checkpoints`, RUN.json's `checkpoints`); a value left
 * at the table's default or suggested from f by where this entry point's user sets it: in the
 * extension (`extension`: the settings are a layer) its `sgdLandscape.*` setting, else
 * `<name>Options.defaults`; in the CLI its RUN.json name.
 */
export function nameBySource(
  key: string,
  val: Record<string, { layer: number }>,
  layers: readonly Layer[],
  extension: boolean,
  fn: string,
): string {
  const v = val[key];
  if (v && layers[v.layer].kind !== 'defaults' && layers[v.layer].kind !== 'suggested') return layers[v.layer].path(key);
  if (!extension) return key;
  const setting = settingKeyOf(key);
  return setting ? `${SETTINGS_SECTION}.${setting}` : `${fn}Options.defaults.${key}`;
}
