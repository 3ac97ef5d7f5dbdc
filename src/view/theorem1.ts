/**
 * Theorem 1 in words, from the engine's numbers and its `outcome` (which condition fails). Pure
 * (no DOM, no Node): the panel, the side panel and the CLI's printed summary all read it here.
 */
import type { Theorem1Prediction } from '../engine/types';
import { formatNumber as num, formatPercent } from './format';

/** One stage's Theorem 1 prediction against what was observed; with `stages` > 1 it names the stage. */
export function theoremText(p: Theorem1Prediction, stages: number): string {
  const head = stages > 1 ? `Stage ${p.stage + 1} (η ${num(p.lr)}, radius ${num(p.radius)}): ` : '';
  return head + reading(p);
}

function reading(p: Theorem1Prediction): string {
  const constants = `c ≈ ${num(p.c)}, L ≈ ${num(p.L)}`;
  switch (p.outcome) {
    case 'c-unknown':
      return 'Theorem 1 makes no prediction: c could not be estimated, as no grid point of the start region lies outside the small ball around x*.';
    case 'c-not-positive':
      return `Theorem 1 makes no prediction: c ≈ ${num(p.c)} ≤ 0, so the landscape smoothed at radius ${num(p.radius)} does not point toward x* everywhere in the start region.`;
    case 'lr-too-large':
      return `Theorem 1 makes no prediction: η = ${num(p.lr)} is too large for ${constants} (λ = 2ηc − η²L² ≈ ${num(p.lambda)} ≤ 0; the theorem needs η < ${num(p.lrBound)}).`;
    case 'predicted': {
      const late = p.T1 > p.steps;
      const when = `after about ${num(Math.ceil(p.T1))} steps${late ? ` (the stage has only ${p.steps})` : ''}`;
      const observed = `Observed: ${formatPercent(p.observedInside)} of the trials ended within ${num(p.ballRadius)} of x*`;
      if (!p.conditionHolds) {
        return (
          `Theorem 1 needs η < ${num(p.lrBound)} (${constants}); η = ${num(p.lr)} is larger, so its guarantee does not apply. ` +
          `Extrapolated, it puts at least half of the trials within ${num(p.ballRadius)} of x* ${when}. ${observed}.`
        );
      }
      const verdict = late
        ? 'the stage ended before the predicted time'
        : p.observedInside >= 0.5
          ? 'as predicted'
          : 'fewer than the ≥ 50% predicted';
      return `Theorem 1 predicts that ${when} at least half of the trials lie within ${num(p.ballRadius)} of x*. ${observed} (${verdict}).`;
    }
    default:
      // A result stored before predictions carried their outcome.
      return `Theorem 1 with ${constants}: λ ≈ ${num(p.lambda)}, ball ${num(p.ballRadius)} (stored by an earlier version; run it again for the full reading).`;
  }
}
