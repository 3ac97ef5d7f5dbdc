/**
 * "Most trials diverged" in words, with the likely cause from f's curvature and an η to try
 * (the engine's `Diagnostics.divergence`, engine/suggest.ts). Pure: the panel, the side panel, the
 * CLI's summary and the extension's toast read it here.
 */
import type { DivergenceAdvice } from '../engine/suggest';
import { formatNumber as num } from './format';

/** One method's divergence count, named as the views name it. */
export interface DivergedCount {
  name: string;
  diverged: number;
}

/** The methods that diverged in more than half of `trials`, or none. */
function most(counts: readonly DivergedCount[], trials: number): DivergedCount[] {
  return counts.filter((m) => m.diverged > trials / 2);
}

/**
 * The summary's sentence when a method diverged in more than half of its trials: which, the
 * likely cause (η·L₉₀ against GD's stability limit 2) and the η to try. Undefined otherwise.
 */
export function divergenceText(counts: readonly DivergedCount[], trials: number, advice: DivergenceAdvice | undefined): string | undefined {
  const hit = most(counts, trials);
  if (hit.length === 0) return undefined;
  const which = hit.map((m) => `${m.name} ${m.diverged} of ${trials}`).join(', ');
  const head = `Most trials diverged (${which}).`;
  if (!advice) return head;
  const product = advice.lr * advice.L;
  const curvature = `L₉₀ ≈ ${num(advice.L)}, the 90th percentile of f's curvature over the domain`;
  if (advice.stepTooLarge) {
    const tryLr =
      advice.suggestedLr !== undefined
        ? ` Try η ≈ ${num(advice.suggestedLr)} (${num(advice.suggestedLr * advice.L, 2)}/L₉₀), or leave η unset to have one derived from f.`
        : '';
    return (
      `${head} Likely cause: the step is too large for f's curvature. η = ${num(advice.lr)} times ${curvature}, is ${num(product)}; ` +
      `a gradient step grows instead of shrinking wherever η × curvature exceeds 2.${tryLr}`
    );
  }
  const smaller = advice.suggestedLr !== undefined ? ` A smaller η (≈ ${num(advice.suggestedLr)}) is safer still.` : '';
  return (
    `${head} Likely cause: not the step size alone (η = ${num(advice.lr)} times ${curvature}, is ${num(product)}, below GD's limit of 2): ` +
    `f may fall without bound beyond the domain, or the noise throws trials to where f's gradient blows up; try a smaller radius or check f there.${smaller}`
  );
}

/** A short form for a notification: "200 of 200 SGD trials of f diverged: η = 0.01 is too large for its curvature; try η ≈ 3e-5." */
export function divergenceToast(exportName: string, diverged: number, trials: number, advice: DivergenceAdvice | undefined): string {
  const head = `${diverged} of ${trials} SGD trials of ${exportName} diverged`;
  if (!advice || diverged <= trials / 2) return `${head} (counted, not drawn).`;
  if (advice.stepTooLarge)
    return `${head}: η = ${num(advice.lr)} is too large for its curvature${advice.suggestedLr !== undefined ? `; try η ≈ ${num(advice.suggestedLr)}` : ''}.`;
  return `${head}; the summary says why.`;
}
