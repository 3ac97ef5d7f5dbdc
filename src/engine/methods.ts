/**
 * A run's methods: the shorthands' SGD and GD, the default pair, which methods a result's `sgd`
 * and `gd` fields are, and checked `methods` entries with every optimizer parameter filled in
 * from the settings table. Used by the resolver (config.ts), which re-exports them.
 */
import { OPTIMIZER_KINDS } from './settingsSchema';
import type { MethodSpec, NoiseKind, Optimizer, OptimizerKind, RunConfig } from './types';

/** The shorthands' methods: 'sgd' the paper's noisy SGD, 'gd' its deterministic version. */
export const SGD_METHOD: MethodSpec = { name: 'SGD', optimizer: { kind: 'sgd' } };
export const GD_METHOD: MethodSpec = { name: 'GD', optimizer: { kind: 'sgd' }, noise: 'none' };

/** The default pair: the paper's noisy SGD, and GD (its deterministic version) when compareGd. */
export function defaultMethods(compareGd: boolean): MethodSpec[] {
  const copy = (m: MethodSpec): MethodSpec => ({ ...m, optimizer: { ...m.optimizer } });
  return compareGd ? [copy(SGD_METHOD), copy(GD_METHOD)] : [copy(SGD_METHOD)];
}

/**
 * Which methods a result's `sgd` and `gd` fields are (indices into config.methods; gd −1 when
 * none): `sgd` the first method of optimizer sgd whose noise is not overridden to none (else the
 * first method), `gd` the first of optimizer sgd with noise none.
 */
export function methodRoles(config: Pick<RunConfig, 'methods'>): { sgd: number; gd: number } {
  const plain = (m: MethodSpec) => m.optimizer.kind === 'sgd';
  const sgd = config.methods.findIndex((m) => plain(m) && m.noise !== 'none');
  const gd = config.methods.findIndex((m) => plain(m) && m.noise === 'none');
  return { sgd: sgd >= 0 ? sgd : 0, gd };
}

/** An optimizer with every parameter given: the checked input's, else the table's default. */
export function fullOptimizer(input: { kind: OptimizerKind } & Record<string, unknown>): Optimizer {
  const out: Record<string, unknown> = { kind: input.kind };
  for (const [name, spec] of Object.entries(OPTIMIZER_KINDS[input.kind].params)) out[name] = input[name] ?? spec.default;
  return out as unknown as Optimizer;
}

/** Checked `methods` entries, optimizer parameters filled in; the default pair when absent. */
export function resolveMethods(input: Array<Record<string, unknown>> | undefined, compareGd: boolean): MethodSpec[] {
  if (!input) return defaultMethods(compareGd);
  return input.map((m) => {
    const out: MethodSpec = {
      name: m.name as string,
      optimizer: fullOptimizer((m.optimizer as { kind: OptimizerKind }) ?? { kind: 'sgd' }),
    };
    if (m.noise !== undefined) out.noise = m.noise as NoiseKind;
    return out;
  });
}
