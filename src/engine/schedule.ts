/**
 * Learning-rate schedules. A run is a list of stages (the paper's Corollary 2 and Figure 3
 * row 3); inside a stage the rate may decay. `t` counts steps from the start of the stage. Also
 * what the stages add up to: the total steps and the distinct noise radii (one g each).
 */
import type { NoiseKind, RunConfig, Stage } from './types';

/** η_t inside a stage. */
export function stageLr(stage: Stage, t: number): number {
  const d = stage.decay;
  const lr = stage.lr;
  if (!d || d.kind === 'constant') return lr;
  switch (d.kind) {
    case 'step':
      return lr * Math.pow(d.factor, Math.floor(t / d.every));
    case 'exponential':
      return lr * Math.pow(d.rate, t);
    case 'cosine': {
      const min = d.minLr ?? 0;
      return min + ((lr - min) * (1 + Math.cos((Math.PI * t) / stage.steps))) / 2;
    }
    case 'inverse':
      return lr / (1 + t / d.t0);
  }
}

/** x-space noise radius at step t: fixed, or proportional to η_t when the stage keeps r fixed. */
export function stageRadius(stage: Stage, t: number): number {
  if (stage.noise === 'none') return 0;
  if (!stage.scaleRadiusWithLr) return stage.radius;
  return (stage.radius * stageLr(stage, t)) / stage.lr;
}

/** Whether η is the same at every step of the stage (lets the hot loop hoist it). */
export function isConstantStage(stage: Stage): boolean {
  return !stage.decay || stage.decay.kind === 'constant';
}

/** Distinct (radius, noise) pairs of the noisy stages, in stage order: one smoothed curve each. */
export function smoothingRadii(config: RunConfig): Array<{ radius: number; noise: NoiseKind }> {
  const out: Array<{ radius: number; noise: NoiseKind }> = [];
  for (const s of config.stages) {
    if (s.noise === 'none' || s.radius <= 0) continue;
    if (!out.some((o) => o.radius === s.radius && o.noise === s.noise)) out.push({ radius: s.radius, noise: s.noise });
  }
  return out;
}

/** Total steps over all stages. */
export function totalSteps(config: RunConfig): number {
  return config.stages.reduce((n, s) => n + s.steps, 0);
}
