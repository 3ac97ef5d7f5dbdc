/** Suggested defaults in the extension: which settings count as unset, the controls' "suggested", and a run through the pool. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorControls, type KnownSuggestion } from '../../src/extension/controls';
import { PoolExecutor } from '../../src/extension/runSession';
import { parseSettings, settingsLayer, unsetFields } from '../../src/extension/settings';
import { presetText, applyPreset } from '../../webview/sidebar/presets';

const dir = mkdtempSync(join(tmpdir(), 'sgd-suggest-host-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const workerScript = join(__dirname, '..', '..', 'dist', 'worker.js');

const BOWL = 'export function bowl(x: number, y: number): number {\n  return x * x + y * y;\n}\n';
const WITH_LR = BOWL + 'export const bowlOptions = { domain: { low: [-3, -3], high: [3, 3] }, defaults: { lr: 0.02, steps: 40 } };\n';

test('unsetFields: a field counts as set when any scope (global, workspace, folder, language) gives it', () => {
  const scopes: Record<string, Record<string, unknown>> = {
    lr: { key: 'sgdLandscape.lr', defaultValue: 0.01 },
    radius: { key: 'sgdLandscape.radius', defaultValue: 0.3, workspaceValue: 0.2 },
    steps: { key: 'sgdLandscape.steps', defaultValue: 1000, globalLanguageValue: 50 },
  };
  assert.deepEqual(
    unsetFields((k) => scopes[k]),
    ['lr'],
  );
  assert.deepEqual(
    unsetFields(() => undefined),
    ['lr', 'radius', 'steps'],
  );
  // The settings layer leaves the unset ones to the layers above (and to the suggestion).
  const layer = settingsLayer({ ...parseSettings({ lr: 0.5, radius: 0.1 }), unset: ['lr', 'steps'] });
  assert.equal(layer.lr, undefined);
  assert.equal(layer.steps, undefined);
  assert.equal(layer.radius, 0.1);
  assert.equal(settingsLayer(parseSettings({ lr: 0.5 })).lr, 0.5, 'without `unset` every value is the user’s');
});

test('controls: the fields no layer sets are "suggested", filled with the last run’s values, else the table’s', () => {
  const settings = { ...parseSettings({}), unset: ['lr' as const, 'radius' as const, 'steps' as const] };
  const file = join(dir, 'bowl.ts');
  const editor = { file, text: BOWL, cursorLine: 0 };
  const before = mirrorControls({ editor, previous: undefined, settings, trusted: true, selected: new Map() });
  assert.deepEqual(before.suggested, { fields: ['lr', 'radius', 'steps'], values: {}, why: {} });
  assert.equal(before.settings.lr, 0.01, 'the table default until a run derives one');
  const known: KnownSuggestion = { values: { lr: 0.225, radius: 0.3, steps: 100 }, why: { lr: 'η = 0.45/L₉₀' } };
  const after = mirrorControls({
    editor,
    previous: before,
    settings,
    trusted: true,
    selected: new Map(),
    suggestions: new Map([[`${file}#bowl`, known]]),
  });
  assert.deepEqual(after.suggested?.values, known.values);
  assert.deepEqual([after.settings.lr, after.settings.radius, after.settings.steps], [0.225, 0.3, 100]);
  // The file's defaults set lr and steps: only the radius is left to suggest.
  const own = mirrorControls({
    editor: { file, text: WITH_LR, cursorLine: 0 },
    previous: undefined,
    settings,
    trusted: true,
    selected: new Map(),
  });
  assert.deepEqual(own.suggested?.fields, ['radius']);
  assert.equal(own.settings.lr, 0.02);
  // Settings the user set: nothing is suggested.
  const mine = mirrorControls({ editor, previous: undefined, settings: { ...settings, unset: [] }, trusted: true, selected: new Map() });
  assert.equal(mine.suggested, undefined);
});

test('a run through the pool: unset lr, radius and steps are derived from f (the bowl: η = 0.45/2)', async () => {
  const executor = new PoolExecutor({ workerScript, bundleDir: join(dir, 'bundles') });
  try {
    const file = join(dir, 'bowl.ts');
    writeFileSync(file, BOWL);
    const settings = {
      ...parseSettings({ trials: 4, resolution: 5, workers: 1 }),
      unset: ['lr' as const, 'radius' as const, 'steps' as const],
    };
    const phases: string[] = [];
    const prepared = await executor.prepare({
      request: { file, exportName: 'bowl', mode: 'run' },
      sourceText: BOWL,
      settings,
      signal: new AbortController().signal,
      onPhase: (p) => phases.push(p),
    });
    assert.deepEqual(prepared.suggestion?.fields, ['lr', 'radius', 'steps']);
    // The status line is told while f is sampled (a loss that hangs there hangs in that phase).
    assert.deepEqual(phases, ['sampling curvature']);
    const stage = prepared.config.stages[0];
    // Curvature 2 everywhere; the default domain is [-3, 3]² grown by 10% on each side: width 7.2,
    // so 5% of the mean width is 0.36 and the success radius ε is 5% of the diagonal, 0.36·√2. The
    // radius is capped where the uniform kick's spread at the minimum reaches ε/2:
    // (ε/2)·√(4·ημ(2 − ημ)/2) with ημ = 0.45 — below 0.36, so it binds.
    const eps = 0.05 * 7.2 * Math.SQRT2;
    const cap = (em: number) => Number(((eps / 2) * Math.sqrt((4 * em * (2 - em)) / 2)).toPrecision(3));
    assert.ok(cap(0.45) < 0.36);
    assert.deepEqual([stage.lr, stage.radius, stage.steps], [0.225, cap(0.45), 100]);
    // The user's lr (a side-panel override) wins; steps then follow it.
    const theirs = await executor.prepare({
      request: { file, exportName: 'bowl', mode: 'run', overrides: { lr: 0.01 } },
      sourceText: BOWL,
      settings,
      signal: new AbortController().signal,
    });
    assert.deepEqual(theirs.suggestion?.fields, ['radius', 'steps']);
    // GD at η = 0.01 on curvature 2: (1 − 0.02)^T ≤ 10⁻³ first at T = ⌈ln 1000 / −ln 0.98⌉ = 342.
    assert.equal(theirs.config.stages[0].steps, Math.ceil(Math.log(1000) / -Math.log(0.98)));
    assert.equal(theirs.config.stages[0].lr, 0.01);
    // The radius's cap follows the user's η too: ημ = 0.02.
    assert.equal(theirs.config.stages[0].radius, cap(0.02));
  } finally {
    executor.dispose();
  }
});

test('presets say what they staged and that Run runs them', () => {
  const s = { lr: 0.01, radius: 0.3, noise: 'uniform' as const, steps: 1000, trials: 20 };
  assert.equal(
    presetText('Figure 3: 4 stages', applyPreset(s, 'fig3-stages', 1)),
    'Staged “Figure 3: 4 stages”: 4 stages, uniform noise 0.3 then 0.15 from [-1.5, 1.5], 0.05 from [-0.5, 0.5], 0.01 from [-0.3, 0.3] (stages 2–4 opened below); 100 trials from [-3, 3]. Press Run to run it.',
  );
  assert.equal(
    presetText('GD (no noise)', applyPreset(s, 'gd', 2)),
    'Staged “GD (no noise)”: one stage, no noise (GD), η 0.01, 1000 steps; 100 trials from [-3, 3]. Press Run to run it.',
  );
});
