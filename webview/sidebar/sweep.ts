/**
 * The side panel's "Sweep": noise radii × learning rates for the selected function, with the
 * settings edited above (as Run sends them), and the stored sweeps to reopen in the sweep panel.
 * Each axis is typed as a list (0, 0.15, 0.3) or start:stop:count; the host checks the grid
 * against the settings table like SWEEP.json's `sweep`.
 */
import { SWEEP_FIELD } from '../../src/engine/settingsSchema';
import { parseAxisValues } from '../../src/view/sweep';
import { h, setChildren } from '../shared/dom';
import { row } from './form';
import { editedFields } from './settings';
import { host, selectedFunction, store, ui } from './store';

const input = (id: string, value: string, label: string) =>
  h('input', { type: 'text', 'data-testid': id, value, 'aria-label': label, spellcheck: 'false' }) as HTMLInputElement;
const radiiInput = input('sweep-radius', SWEEP_FIELD.default.radius.join(', '), 'Noise radii to sweep');
const lrsInput = input('sweep-lr', SWEEP_FIELD.default.lr.join(', '), 'Learning rates to sweep');
const sweepError = h('p', { class: 'field-error', 'data-testid': 'sweep-error', hidden: true });
export const sweepButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'sweep', title: 'Sweep noise radius × learning rate: a phase diagram of where SGD reaches x*' },
  'Sweep',
);
const sweepList = h('ul', { class: 'recent', 'data-testid': 'recent-sweeps' });

/** The grid typed in the two fields, or what is wrong with it. */
function typedGrid(): { radius: number[]; lr: number[] } | string {
  const radius = parseAxisValues(radiiInput.value);
  if (typeof radius === 'string') return `Noise radii: ${radius}`;
  const lr = parseAxisValues(lrsInput.value);
  if (typeof lr === 'string') return `Learning rates: ${lr}`;
  const cells = radius.length * lr.length;
  if (cells > SWEEP_FIELD.maxCells) return `${cells} cells; at most ${SWEEP_FIELD.maxCells}`;
  return { radius, lr };
}

/** Shows what is wrong with the grid and disables Sweep while anything is (or a sweep cannot start). */
export function renderSweepValidity(runDisabled: boolean): void {
  const grid = typedGrid();
  sweepError.hidden = typeof grid !== 'string';
  sweepError.textContent = typeof grid === 'string' ? grid : '';
  sweepButton.toggleAttribute('disabled', runDisabled || typeof grid === 'string');
}

for (const el of [radiiInput, lrsInput]) el.addEventListener('input', () => renderSweepValidity(false));

sweepButton.addEventListener('click', () => {
  if (sweepButton.hasAttribute('disabled')) return;
  const grid = typedGrid();
  if (typeof grid === 'string') return;
  const settings = ui.edited ? editedFields(JSON.parse(ui.base ?? 'null') ?? {}, ui.edited) : {};
  const exportName = selectedFunction();
  host.post({ type: 'sweep', ...(exportName ? { exportName } : {}), settings, grid });
});

/** The "Sweep" section (after Run) and "Recent sweeps" (after the recent runs). */
export function sweepSection(): HTMLElement {
  return h(
    'section',
    {},
    h('h2', {}, 'Sweep'),
    row('Noise radii', radiiInput),
    row('Learning rates', lrsInput),
    h('p', { class: 'hint' }, 'A list (0, 0.15, 0.3) or start:stop:count (0:1.2:7). The settings above fill in the rest.'),
    sweepError,
    h('div', { class: 'buttons' }, sweepButton),
  );
}
export function recentSweepsSection(): HTMLElement {
  return h('section', {}, h('h2', {}, 'Recent sweeps'), sweepList);
}

/** The stored sweeps, newest first; a click opens one in the sweep panel. */
export function renderSweeps(): void {
  const sweeps = store.state.sweeps ?? [];
  if (sweeps.length === 0) {
    setChildren(sweepList, h('li', { class: 'hint' }, 'Sweeps you make appear here.'));
    return;
  }
  setChildren(
    sweepList,
    ...sweeps.map((s) => {
      const b = h('button', { type: 'button', class: 'run-link', 'data-sweep-id': s.id, title: `${s.file}\n${s.startedAt}` }, s.label);
      b.addEventListener('click', () => host.post({ type: 'openSweep', sweepId: s.id }));
      return h('li', {}, b, h('span', { class: 'hint when' }, new Date(s.startedAt).toLocaleString()));
    }),
  );
}
