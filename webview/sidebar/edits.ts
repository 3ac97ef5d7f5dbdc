/**
 * The side panel form's edit state: the user's settings (kept in the store until the host's
 * settings change under them), typed numbers checked against the settings table, and why Run is
 * disabled (with the Run and Stop buttons and the line that says it). form.ts registers how the
 * form redraws; the field modules (form.ts, rows.ts, suggested.ts) edit through `update`.
 */
import type { NumberSpec } from '../../src/engine/settingsSchema';
import type { RunSettings } from '../../src/protocol/webview';
import { h } from '../shared/dom';
import { methodRows, methodsProblem } from './methods';
import { minibatchProblem, parseSpecField, stagesOf } from './settings';
import { current, currentExamples, saveUi, store, ui } from './store';

export const fieldError = h('p', { class: 'field-error', 'data-testid': 'field-error', hidden: true });
export const runButton = h('vscode-button', { 'data-testid': 'run', title: 'Run SGD on the selected function' }, 'Run');
export const stopButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'stop', title: 'Stop the running experiment', disabled: true },
  'Stop',
);

/** Invalid fields by test id (text the user typed that is not a usable number). */
const invalid = new Set<string>();

/** Redraws the form from the current settings (form.ts's renderSettings, registered at load). */
let redraw: () => void = () => undefined;
export function onUpdate(render: () => void): void {
  redraw = render;
}

/** Takes `next` as the user's settings and shows them. */
export function update(next: RunSettings): void {
  ui.edited = next;
  ui.base = JSON.stringify(store.state.controls?.settings ?? null);
  saveUi();
  redraw();
}

/** The host's settings changed under the user's edits (other function, settings.json): start over. */
export function dropStaleEdits(): void {
  if (ui.edited && ui.base !== JSON.stringify(store.state.controls?.settings ?? null)) {
    ui.edited = undefined;
    ui.base = undefined;
    ui.pinned = undefined;
    invalid.clear();
    saveUi();
  }
}

/** Forgets typing mistakes in fields whose test id starts with `prefix` (their rows were rebuilt with stored values). */
export function forgetInvalid(prefix: string): void {
  for (const id of [...invalid]) if (id.startsWith(prefix)) invalid.delete(id);
}

/** A number field of the form (its limits set by the caller). */
export function numberInput(testid: string, label: string, attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h('input', { type: 'number', 'data-testid': testid, 'aria-label': label, ...attrs });
}

/** Sets a field's text, leaving a field the user is typing in alone. */
export function setValue(input: HTMLInputElement, v: string): void {
  if (document.activeElement !== input && input.value !== v) input.value = v;
}

/** A typed number in `spec`'s range becomes the settings `apply` makes of it; anything else marks the field invalid. */
export function bindNumber(input: HTMLInputElement, id: string, spec: NumberSpec, apply: (s: RunSettings, v: number) => RunSettings): void {
  input.addEventListener('change', () => {
    const v = parseSpecField(input.value, spec);
    markInvalid(id, input, v === undefined);
    if (v === undefined) renderValidity();
    else update(apply(current(), v));
  });
}

/** Marks field `id` (its input `input`) as holding text that is not a usable value, or clears it. */
export function markInvalid(id: string, input: HTMLInputElement, bad: boolean): void {
  if (bad) invalid.add(id);
  else invalid.delete(id);
  input.classList.toggle('invalid', bad);
}

/** Says why Run is disabled (invalid fields, untrusted workspace, no loss) and sets Run/Stop. */
export function renderValidity(): void {
  const controls = store.state.controls;
  const running = store.state.status.kind === 'running';
  const problems: string[] = [];
  if (invalid.size > 0) problems.push(`Fix: ${[...invalid].join(', ')}`);
  const methods = methodsProblem(methodRows(current()));
  if (methods) problems.push(methods);
  const examples = currentExamples();
  stagesOf(current()).forEach((st, i) => {
    const why = minibatchProblem(st, i + 1, examples);
    if (why) problems.push(why);
  });
  if (controls && !controls.trusted) problems.push('Workspace not trusted.');
  if (!controls?.functions.length) problems.push('Open a TypeScript file that exports a loss function.');
  fieldError.hidden = problems.length === 0;
  fieldError.textContent = problems.join(' ');
  runButton.toggleAttribute('disabled', problems.length > 0 || running);
  stopButton.toggleAttribute('disabled', !running);
}
