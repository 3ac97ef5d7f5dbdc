/**
 * "Suggested" values in the side panel (issue 13): η, radius and steps that no setting, file
 * default or stage sets are derived from the function when it runs (src/engine/suggest.ts). Tags
 * beside those fields, a note with the function's last suggested values and why, and "Keep these
 * values", which sends them with Run as the user's own.
 */
import type { RunSettings } from '../../src/protocol/webview';
import { h } from '../shared/dom';
import { formatNumber } from '../shared/format';
import { update } from './edits';
import { current, store, ui } from './store';

/** "suggested" tags beside η, radius and steps: set nowhere, derived from f when it runs. */
const SUGGESTABLE = ['lr', 'radius', 'steps'] as const;
type Suggestable = (typeof SUGGESTABLE)[number];
export const suggestedTags: Record<Suggestable, HTMLElement> = {
  lr: h('span', { class: 'tag', 'data-testid': 'suggested-lr', hidden: true }, 'suggested'),
  radius: h('span', { class: 'tag', 'data-testid': 'suggested-radius', hidden: true }, 'suggested'),
  steps: h('span', { class: 'tag', 'data-testid': 'suggested-steps', hidden: true }, 'suggested'),
};
const suggestedText = h('span', {});
const acceptButton = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'accept-suggested', title: 'Send these values with the run as your own (they stop following f)' },
  'Keep these values',
);
export const suggestedNote = h(
  'div',
  { class: 'hint suggested-note', 'data-testid': 'suggested-note', hidden: true },
  suggestedText,
  acceptButton,
);

/**
 * The fields shown as "suggested": set by no setting, file default or stage, not edited here and
 * not kept with "Keep these values". Their values come from the function's last run (the host's
 * `controls.suggested`), or are derived when it runs.
 */
export function suggestedFields(): Suggestable[] {
  const c = store.state.controls;
  const sg = c?.suggested;
  if (!c || !sg) return [];
  const s = current();
  return SUGGESTABLE.filter((k) => sg.fields.includes(k) && s[k] === c.settings[k] && !ui.pinned?.includes(k));
}

/** The kept suggestions as run settings (sent with Run as the user's own values). */
export function pinnedValues(): Partial<RunSettings> {
  const s = current();
  const out: Partial<RunSettings> = {};
  for (const k of ui.pinned ?? []) if (SUGGESTABLE.includes(k as Suggestable)) out[k as Suggestable] = s[k as Suggestable];
  return out;
}

acceptButton.addEventListener('click', () => {
  ui.pinned = [...new Set([...(ui.pinned ?? []), ...suggestedFields()])];
  update(current());
});

const FIELD_WORDS: Record<Suggestable, string> = { lr: 'η', radius: 'radius', steps: 'steps' };

export function renderSuggested(): void {
  const sg = store.state.controls?.suggested;
  const fields = suggestedFields();
  for (const k of SUGGESTABLE) {
    const tag = suggestedTags[k];
    tag.hidden = !fields.includes(k);
    tag.title = sg?.why[k] ?? 'Set by no setting or file default: derived from the function when it runs.';
  }
  suggestedNote.hidden = fields.length === 0;
  if (fields.length === 0) return;
  const known = fields.filter((k) => sg?.values[k] !== undefined);
  const names = fields.map((k) => FIELD_WORDS[k]).join(', ');
  suggestedText.textContent =
    known.length === fields.length
      ? `Suggested from ${store.state.controls?.selected ?? 'the function'} (no setting or file default sets ${names}): ` +
        `${known.map((k) => `${FIELD_WORDS[k]} ${formatNumber(sg!.values[k]!, 4)} — ${sg!.why[k] ?? ''}`).join('; ')}. ` +
        'Edit a field to override, or keep them as your values. '
      : `No setting or file default sets ${names}: the run derives ${fields.length === 1 ? 'it' : 'them'} from the function ` +
        '(η from its curvature, the radius from the domain, steps so that GD converges) and shows them here. ';
  acceptButton.hidden = known.length !== fields.length;
}
