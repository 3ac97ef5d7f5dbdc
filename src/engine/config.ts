/**
 * Layered run inputs → one validated RunConfig: the one resolver behind every entry point (the
 * CLI, the extension, the tests), over the one merge rule (configMerge.ts). Layers, lowest first:
 *
 *   table defaults < settings (`ctx.base`) < `<name>Options` (dim, domain, xStar)
 *     < `<name>Options.defaults` < the explicit input (RUN.json and flags, or the side panel)
 *
 * Per field the highest layer that gives it wins; boxes and lists replace whole. Stages:
 * - a layer's `stages` replace the schedule below it; a field a stage leaves out comes from that
 *   layer's flat lr/radius/steps/noise/decay, then from the layers below;
 * - a layer's flat lr/radius/steps/noise/decay without `stages` sets that field in every stage
 *   of the schedule below it: a flat `"lr": 0.01` over a file's two stages runs both at 0.01;
 * - with no `stages` anywhere the run is one stage of the flat fields;
 * - a stage with noise "none" has radius 0 unless a radius is given at its own layer or above.
 *
 * Every layer is checked against the settings table first (unknown keys, types, ranges), then
 * the merged input is checked as a whole (dimension, boxes, inside-the-domain). All problems are
 * reported at once, each under the name the user wrote it by (`fOptions.defaults.trials`,
 * `sgdLandscape.schedule[1].lr`, `stages[0].radius`). The boxes' rules are in domain.ts, a minibatch
 * stage's in stageMinibatch.ts.
 */
import { AUTO_RESOLUTION, INIT_HALF_WIDTH, RUN_FIELDS, SETTINGS_SECTION, runDefaults, settingKeyOf, NOISE_KINDS } from './settingsSchema';
import { mergeLayers, nameBySource, type Layer, type LayerKind } from './configMerge';
import { SUGGESTED_FIELDS, type SuggestedField } from './suggest';
import { defaultDomain, fmtBox, inside } from './domain';
import { minibatchStage } from './stageMinibatch';
import { methodRoles, resolveMethods } from './methods';
import {
  Problems,
  checkField,
  checkKeys,
  checkRunInput,
  isRecord,
  problemText,
  type PartialBoxIn,
  type SettingProblem,
} from './settingsValidate';
import type { Box, Decay, LossOptions, NoiseKind, RunConfig, RunConfigInput, Stage } from './types';

export { NOISE_KINDS };
export { mergeRunInputs } from './configMerge';
export { DOMAIN_MARGIN, defaultDomain } from './domain';
export { GD_METHOD, SGD_METHOD, defaultMethods, fullOptimizer, methodRoles } from './methods';

/** One or more bad settings. `setting` is the first one's path (e.g. `stages[1].radius`). */
export class ConfigError extends Error {
  readonly setting: string;
  readonly problems: readonly SettingProblem[];
  /** Problems beyond the listed ones. */
  readonly more: number;
  constructor(setting: string, message: string, problems?: readonly SettingProblem[], more = 0) {
    const list = problems && problems.length > 0 ? problems : [{ setting, kind: 'value' as const, message }];
    super(list.map(problemText).join('\n') + (more > 0 ? `\n(and ${more} more)` : ''));
    this.name = 'ConfigError';
    this.setting = list[0].setting;
    this.problems = list;
    this.more = more;
  }

  static from(p: Problems): ConfigError {
    return new ConfigError(p.list[0].setting, p.list[0].message, p.list, p.more);
  }
}

export interface ResolveContext {
  /** Dimension fixed by the function's signature (k number parameters). */
  dim?: number;
  /** The file's `<name>Options` export (its JSON-able part). */
  options?: LossOptions | Omit<LossOptions, 'gradient' | 'data'>;
  /**
   * A finite-sum loss: its number of examples n (`<name>Options.data`, counted in the worker);
   * null: the loss is known not to be one (noise "minibatch" is then refused); absent: unknown.
   */
  examples?: number | null;
  /** The editor's settings as a run input: the lowest layer above the table's defaults (and the suggestions). */
  base?: RunConfigInput;
  /**
   * Values derived from the function (suggest.ts): a layer just above the table's defaults, so
   * they fill only the fields no other layer sets.
   */
  suggested?: Partial<Record<SuggestedField, number>>;
  /**
   * A check of the resolved run as a whole (the CLI and the extension pass the result's size
   * budget, `resultBudgetProblem`): a problem it returns is reported with the others, its
   * setting named by `name` as the user set it (`sgdLandscape.trials`, `fOptions.defaults.checkpoints`,
   * RUN.json's `checkpoints`).
   */
  limit?: (config: RunConfig, name: (key: string) => string) => { setting: string; message: string } | undefined;
  /**
   * Where a setting was written, for messages: called with a path such as
   * `fOptions.defaults.trials` and answers e.g. `/work/f.ts:12`, or undefined.
   */
  locate?: (path: string) => string | undefined;
}

// ---- the resolver ----

function entries(n: number): string {
  return `${n} entr${n === 1 ? 'y' : 'ies'}`;
}

/**
 * Apply the layers and validate. Throws a ConfigError listing every bad setting.
 * The dimension comes from the signature (ctx.dim) when it has k number parameters, else from the
 * highest layer that gives `dim`, else from the length of a given box or x*.
 */
export function resolveConfig(rawInput: RunConfigInput | unknown, ctx: ResolveContext = {}): RunConfig {
  return resolveWithSources(rawInput, ctx).config;
}

/**
 * How a default domain was made (no layer declares `domain`): the start boxes it holds and the
 * declared points (targets, x*) it was grown over. `widenDomain` grows it further over the minima
 * of f found beyond the start boxes.
 */
export interface DefaultDomainBasis {
  boxes: Box[];
  points: number[][];
}

/** A resolved run, how its default domain was made, and where its stages' lr, radius and steps came from. */
export interface ResolvedRun {
  config: RunConfig;
  /** How the default domain was made (undefined: a layer declares `domain`). */
  defaultDomain?: DefaultDomainBasis;
  /** Fields that some stage takes from the table's defaults: what a suggestion may fill. */
  unset: SuggestedField[];
  /** Fields that some stage takes from `ctx.suggested`. */
  suggested: SuggestedField[];
}

/** `resolveConfig`, also saying how the default domain was made. */
export function resolveConfigDetail(rawInput: RunConfigInput | unknown, ctx: ResolveContext = {}): ResolvedRun {
  return resolveWithSources(rawInput, ctx);
}

/** `resolveConfig`, also saying which stage fields no layer set and which the suggestions filled. */
export function resolveWithSources(rawInput: RunConfigInput | unknown, ctx: ResolveContext = {}): ResolvedRun {
  const p = new Problems(ctx.locate);
  const input = checkRunInput(p, rawInput, (k) => k, 'the run settings');
  if (input.bad.has('*')) throw ConfigError.from(p);
  const fn = input.values.function as string | undefined;
  if (fn === undefined && !input.bad.has('function')) p.add('function', 'must name an exported function of the file');
  const name = fn ?? 'f';

  const layers: Layer[] = [{ kind: 'defaults', values: runDefaults(), path: (k) => k }];
  if (ctx.suggested) {
    const values: Record<string, unknown> = {};
    for (const k of SUGGESTED_FIELDS) if (ctx.suggested[k] !== undefined) values[k] = ctx.suggested[k];
    layers.push({ kind: 'suggested', values, path: (k) => `suggested ${k}` });
  }
  const bad = new Set(input.bad);
  if (ctx.base !== undefined) {
    const path = (k: string) => `${SETTINGS_SECTION}.${settingKeyOf(k) ?? k}`;
    const base = checkRunInput(p, ctx.base, path, SETTINGS_SECTION);
    base.bad.forEach((k) => bad.add(k));
    layers.push({ kind: 'settings', values: base.values, path });
  }
  if (ctx.options !== undefined) {
    const prefix = `${name}Options`;
    const o: unknown = ctx.options;
    if (!isRecord(o)) {
      p.add(prefix, 'must be an object { "gradient"?, "data"?, "domain"?, "xStar"?, "targets"?, "dim"?, "defaults"? }');
    } else {
      const values: Record<string, unknown> = {};
      const present = checkKeys(p, o, prefix, ['gradient', 'data', 'domain', 'xStar', 'targets', 'dim', 'defaults']);
      for (const k of ['dim', 'domain', 'xStar', 'targets'] as const) {
        if (!present.includes(k)) continue;
        const before = p.count;
        const v = checkField(p, o[k], RUN_FIELDS[k], `${prefix}.${k}`);
        if (v !== undefined && p.count === before) values[k] = v;
        else bad.add(k);
      }
      layers.push({ kind: 'options', values, path: (k) => `${prefix}.${k}` });
      if (present.includes('defaults')) {
        const path = (k: string) => `${prefix}.defaults.${k}`;
        const d = checkRunInput(p, o.defaults, path, `${prefix}.defaults`);
        d.bad.forEach((k) => bad.add(k));
        layers.push({ kind: 'file', values: d.values, path });
      }
    }
  }
  layers.push({ kind: 'input', values: input.values, path: (k) => k });
  const merged = mergeLayers(layers);
  const val = merged.values;
  const pathOf = (key: string) => layers[val[key].layer].path(key);

  // Dimension.
  let dim: number | undefined = ctx.dim;
  if (dim !== undefined) {
    for (const l of layers) {
      // The `dim` setting is for array losses; a signature of k numbers simply overrides it.
      if (l.kind === 'settings' || l.values.dim === undefined || l.values.dim === dim) continue;
      p.add(
        l.path('dim'),
        `the function takes ${dim} number parameter${dim === 1 ? '' : 's'}, so dim must be ${dim}; got ${String(l.values.dim)}`,
      );
    }
  } else if (val.dim) {
    dim = val.dim.v as number;
  } else if (!bad.has('dim')) {
    const boxes = [val.init?.v, val.domain?.v] as Array<PartialBoxIn | undefined>;
    const guess = [boxes[0]?.low, boxes[0]?.high, boxes[1]?.low, boxes[1]?.high, val.xStar?.v].find(Array.isArray);
    if (guess) dim = guess.length;
    else p.add('dim', `${name} takes an array, so its dimension must be set: "dim" in [1, ${RUN_FIELDS.dim.max}]`);
  }
  // Without a dimension nothing else can be checked: report what was found so far.
  if (dim === undefined || bad.has('dim')) throw ConfigError.from(p);
  const d = dim;

  const bound = (v: number[] | number, path: string): number[] | undefined => {
    if (typeof v === 'number') return new Array<number>(d).fill(v);
    if (v.length === d) return v;
    p.add(path, `must have ${entries(d)} (the function's dimension), got ${v.length}`);
    return undefined;
  };
  const resolveBox = (v: PartialBoxIn, fallback: Box, path: string): Box | undefined => {
    const low = v.low !== undefined ? bound(v.low, `${path}.low`) : fallback.low;
    const high = v.high !== undefined ? bound(v.high, `${path}.high`) : fallback.high;
    if (!low || !high) return undefined;
    for (let i = 0; i < d; i++) {
      if (!(low[i] < high[i])) {
        p.add(path, `low must be below high on every axis; axis ${i} has low ${low[i]} ≥ high ${high[i]}`);
        return undefined;
      }
    }
    return { low: [...low], high: [...high] };
  };

  // Domain and init box: each defaults to the other, then to [-3, 3]^d.
  const cube: Box = { low: new Array<number>(d).fill(-INIT_HALF_WIDTH), high: new Array<number>(d).fill(INIT_HALF_WIDTH) };
  const domainGiven = val.domain !== undefined || bad.has('domain');
  let domain: Box | undefined = val.domain ? resolveBox(val.domain.v as PartialBoxIn, cube, pathOf('domain')) : cube;
  const initBase = domainGiven ? domain : cube;
  const init: Box | undefined = val.init && initBase ? resolveBox(val.init.v as PartialBoxIn, initBase, pathOf('init')) : initBase;
  if (!domainGiven && init) domain = init;
  const boxesOk = domain !== undefined && init !== undefined && !bad.has('domain') && !bad.has('init');
  if (boxesOk && !inside(init!, domain!)) {
    p.add(pathOf(val.init ? 'init' : 'domain'), `must lie inside the domain ${fmtBox(domain!)}; got ${fmtBox(init!)}`);
  }

  const stages: Stage[] = merged.stages.map((ms, i) => {
    const f = ms.fields;
    const out: Stage = { lr: f.lr.v as number, radius: f.radius.v as number, steps: f.steps.v as number, noise: f.noise.v as NoiseKind };
    const path = ms.from ? `${layers[ms.from.layer].path('stages')}[${ms.from.index}]` : `stages[${i}]`;
    if (f.init) {
      const b = domain ? resolveBox(f.init.v as PartialBoxIn, domain, `${path}.init`) : undefined;
      if (b) {
        // Without a declared domain, the default one is grown to hold every stage's box (below).
        if (boxesOk && domainGiven && !inside(b, domain!))
          p.add(`${path}.init`, `must lie inside the domain ${fmtBox(domain!)}; got ${fmtBox(b)}`);
        out.init = b;
      }
    }
    if (f.decay) out.decay = { ...(f.decay.v as Decay) };
    if (f.scaleRadiusWithLr) out.scaleRadiusWithLr = f.scaleRadiusWithLr.v as boolean;
    minibatchStage(p, out, f, layers, path, ms.from?.layer, name, ctx.examples);
    return out;
  });

  let xStar: number[] | undefined;
  if (val.xStar) xStar = bound(val.xStar.v as number[], pathOf('xStar'));
  let targets: number[][] | undefined;
  if (val.targets) {
    const base = pathOf('targets');
    targets = (val.targets.v as number[][]).map((t, i) => bound(t, `${base}[${i}]`) ?? t);
  }

  // Without a declared domain the landscape is drawn over the start boxes grown by a margin, and
  // over the declared targets and x*, so that they and most finals lie inside (the finals that
  // do not are counted and drawn on the edge).
  let basis: DefaultDomainBasis | undefined;
  if (!domainGiven && boxesOk && p.count === 0) {
    basis = { boxes: [init!, ...stages.flatMap((s) => (s.init ? [s.init] : []))], points: [...(targets ?? []), ...(xStar ? [xStar] : [])] };
    domain = defaultDomain(basis.boxes, basis.points);
  }

  // `methods` when given, else the pair compareGd asks for; compareGd then says whether GD is among them.
  const methods = resolveMethods(val.methods?.v as Array<Record<string, unknown>> | undefined, val.compareGd.v as boolean);

  let sliceDirections: number[][] | undefined;
  if (val.sliceDirections) {
    const base = pathOf('sliceDirections');
    sliceDirections = (val.sliceDirections.v as number[][]).map((v, i) => {
      const u = bound(v, `${base}[${i}]`) ?? v;
      const n = Math.hypot(...u);
      if (!(n > 0)) p.add(`${base}[${i}]`, 'must not be the zero vector');
      return u.map((x) => x / n);
    });
  }

  if (p.count > 0) throw ConfigError.from(p);

  const num = (k: keyof typeof RUN_FIELDS) => val[k].v as number;
  const resolution = num('resolution') || (d === 1 ? AUTO_RESOLUTION.oneD : AUTO_RESOLUTION.other);
  const config: RunConfig = {
    function: name,
    dim: d,
    seed: String(val.seed.v),
    trials: num('trials'),
    init: { low: [...init!.low], high: [...init!.high] },
    stages,
    domain: { low: [...domain!.low], high: [...domain!.high] },
    resolution,
    compareGd: methodRoles({ methods }).gd >= 0,
    methods,
    sampleTrajectories: num('sampleTrajectories'),
    trajectoryPoints: num('trajectoryPoints'),
    checkpoints: num('checkpoints'),
    probeRadius: num('probeRadius'),
    probeSamples: num('probeSamples'),
    histogramBin: num('histogramBin'),
    divergenceFactor: num('divergenceFactor'),
    fdStep: num('fdStep'),
    slices: num('slices'),
  };
  if (xStar) config.xStar = [...xStar];
  if (num('successRadius') > 0) config.successRadius = num('successRadius');
  if (targets) config.targets = targets.map((t) => [...t]);
  if (sliceDirections) {
    config.sliceDirections = sliceDirections;
    config.slices = sliceDirections.length;
  }
  const over = ctx.limit?.(config, (key) => nameBySource(key, val, layers, ctx.base !== undefined, name));
  if (over) {
    p.add(over.setting, over.message);
    throw ConfigError.from(p);
  }
  const fromKind = (kind: LayerKind) =>
    SUGGESTED_FIELDS.filter((k) =>
      merged.stages.some((st, i) => layers[st.fields[k].layer].kind === kind && !noRadius(config.stages[i], k)),
    );
  const sources = { unset: fromKind('defaults'), suggested: fromKind('suggested') };
  return basis ? { config, defaultDomain: basis, ...sources } : { config, ...sources };
}

/** A stage without noise radius (noise "none" or "minibatch"): its radius is no one's to suggest. */
function noRadius(stage: Stage, k: SuggestedField): boolean {
  return k === 'radius' && (stage.noise === 'none' || stage.noise === 'minibatch');
}
