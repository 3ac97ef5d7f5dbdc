/**
 * The side panel's presets (the paper's Figure 3): what each stages, the line that says so, and
 * Figure 3 row 2's four runs for "Compare". Pure; unit-tested in test/unit/webview-sidebar.test.ts.
 */
import { DIM_MAX } from '../../src/engine/settingsSchema';
import type { Box, Stage } from '../../src/engine/types';
import type { RunSettings } from '../../src/protocol/webview';
import { clone, stagesOf, syncFlat } from './settings';

export type PresetId = 'fig3-single' | 'gd' | 'fig3-stages';

export const PRESETS: Array<{ id: PresetId; label: string; title: string }> = [
  {
    id: 'fig3-single',
    label: 'Figure 3: noise 0.3',
    title: 'One stage, uniform noise of radius 0.3, 100 trials from [-3, 3] (the paper’s Figure 3, row 2)',
  },
  { id: 'gd', label: 'GD (no noise)', title: 'Plain gradient descent from the same starts (Figure 3, row 2, left)' },
  {
    id: 'fig3-stages',
    label: 'Figure 3: 4 stages',
    title: 'Noise 0.3 → 0.15 → 0.05 → 0.01 with init [-3,3], [-1.5,1.5], [-0.5,0.5], [-0.3,0.3] (Figure 3, row 3)',
  },
];

function interval(dim: number, lo: number, hi: number): Box {
  return { low: Array<number>(dim).fill(lo), high: Array<number>(dim).fill(hi) };
}

/**
 * A preset applied to `s`: keeps the user's learning rate and steps per stage, sets the noise,
 * the init box ([-3, 3] per coordinate) and 100 trials as in the paper's Figure 3.
 */
export function applyPreset(s: RunSettings, id: PresetId, dim: number): RunSettings {
  const out = clone(s);
  const d = Math.max(1, Math.min(DIM_MAX, Math.floor(dim) || 1));
  const lr = s.lr;
  const steps = s.steps;
  out.trials = 100;
  out.init = interval(d, -3, 3);
  switch (id) {
    case 'fig3-single':
      out.stages = [{ lr, radius: 0.3, noise: 'uniform', steps }];
      break;
    case 'gd':
      out.stages = [{ lr, radius: s.radius, noise: 'none', steps }];
      break;
    case 'fig3-stages':
      out.stages = [
        { lr, radius: 0.3, noise: 'uniform', steps, init: interval(d, -3, 3) },
        { lr, radius: 0.15, noise: 'uniform', steps, init: interval(d, -1.5, 1.5) },
        { lr, radius: 0.05, noise: 'uniform', steps, init: interval(d, -0.5, 0.5) },
        { lr, radius: 0.01, noise: 'uniform', steps, init: interval(d, -0.3, 0.3) },
      ];
      break;
  }
  return syncFlat(out);
}

/**
 * What a preset staged, in one line: its stages' radii (and where later stages restart), the
 * trials and start box, and that Run runs it (a preset only fills the form).
 */
export function presetText(label: string, s: RunSettings): string {
  const stages = stagesOf(s);
  const noise = (st: Partial<Stage>) => (st.noise === 'none' ? 'no noise (GD)' : `${st.noise ?? 'uniform'} noise ${st.radius}`);
  const what =
    stages.length === 1
      ? `one stage, ${noise(stages[0]!)}, η ${s.lr}, ${s.steps} steps`
      : `${stages.length} stages, ${noise(stages[0]!)} then ${stages
          .slice(1)
          .map((st) => `${st.radius}${st.init ? ` from [${st.init.low[0]}, ${st.init.high[0]}]` : ''}`)
          .join(', ')} (stages 2–${stages.length} opened below)`;
  const first = (v: number | number[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const box = s.init && s.init.low !== undefined ? ` from [${first(s.init.low)}, ${first(s.init.high)}]` : '';
  return `Staged “${label}”: ${what}; ${s.trials ?? ''} trials${box}. Press Run to run it.`;
}

/** The paper's Figure 3 row 2: GD, then uniform noise 0.15, 0.3 and 0.6 (the columns of the figure). */
export const FIGURE3_ROW2_RADII = [0, 0.15, 0.3, 0.6] as const;

/**
 * The runs of Figure 3 row 2 from settings `s`: each one stage (the user's η and steps), 100 trials
 * from [-3, 3]^d, one method — GD for the first column (no noise), SGD with uniform noise of the
 * column's radius for the others.
 */
export function figure3Row2(s: RunSettings, dim: number): RunSettings[] {
  return FIGURE3_ROW2_RADII.map((radius) => {
    const out = applyPreset(s, radius === 0 ? 'gd' : 'fig3-single', dim);
    out.stages = [{ ...out.stages![0]!, radius: radius === 0 ? s.radius : radius }];
    delete out.methods;
    out.compareGd = false;
    return syncFlat(out);
  });
}
