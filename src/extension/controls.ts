/**
 * The side panel's controls mirrored from the active editor and the settings: the file's exported
 * losses (found statically, no user code runs), the selected one, and the settings it would run
 * with (`mirrorControls`, pure apart from the per-file memory of the user's choice), and the
 * run service's mirror that follows editor events once editing pauses (`ControlsMirror`). No `vscode`.
 */
import { discoverLosses, orderByCursor, readStaticExport } from '../runner/discover';
import type { LossOptions, RunConfigInput } from '../engine/types';
import type { ControlsState, RunSettings } from '../protocol/webview';
import type { Clock, EditorSnapshot, HostEnvironment } from './ports';
import { DEFAULT_SETTINGS, buildRunInput, displaySettings, parseSettings, type ExtensionSettings } from './settings';
import { SUGGESTED_FIELDS, type SuggestedField, type Suggestion } from '../engine/suggest';

/** Editor events (typing, cursor moves) are mirrored into the controls after this quiet time. */
export const CONTROLS_DEBOUNCE_MS = 150;

/**
 * The controls for `editor` (the active TypeScript/JavaScript editor, if any). Another editor, or
 * none, keeps showing the last file's functions. `selected` remembers the chosen function per
 * file; the function under the cursor becomes the chosen one.
 */
export function mirrorControls(args: {
  editor: EditorSnapshot | undefined;
  previous: ControlsState | undefined;
  settings: ExtensionSettings;
  trusted: boolean;
  selected: Map<string, string>;
  /** What the last run of each function (`file#export`) derived from it. */
  suggestions?: ReadonlyMap<string, KnownSuggestion>;
}): ControlsState {
  const { editor, previous, settings, trusted, selected } = args;
  if (!editor) {
    if (previous) return { ...previous, trusted };
    const input = buildRunInput({ exportName: '', argStyle: 'array', settings });
    delete (input as Record<string, unknown>).function;
    return { functions: [], settings: displaySettings(input) as RunSettings, trusted };
  }
  const { file, text, cursorLine } = editor;
  const losses = discoverLosses(text, file);
  const here = orderByCursor(losses, cursorLine)[0];
  if (here && cursorLine >= here.line && cursorLine <= here.endLine) selected.set(file, here.name);
  const selectedName = selected.get(file) ?? losses[0]?.name;
  const sel = losses.find((l) => l.name === selectedName) ?? losses[0];
  // Display only: `<name>Options` read statically (literal values), never by running the file.
  const staticOptions = sel ? (readStaticExport(text, file, `${sel.name}Options`) as LossOptions | undefined) : undefined;
  const options = staticOptions && typeof staticOptions === 'object' ? staticOptions : undefined;
  const input = buildRunInput({ exportName: sel?.name ?? '', argStyle: sel?.argStyle ?? 'array', settings, options });
  if (sel?.argStyle === 'scalars' && sel.dim !== null) input.dim = sel.dim;
  // The side panel names the function separately (`exportName`); it is not a setting.
  delete (input as Record<string, unknown>).function;
  if (!input.domain && options?.domain) input.domain = options.domain;
  if (!input.xStar && options?.xStar) input.xStar = options.xStar;
  const suggested = sel ? fillSuggested(input, args.suggestions?.get(`${file}#${sel.name}`)) : undefined;
  return {
    file,
    functions: losses.map((l) => ({ name: l.name, dim: l.dim, line: l.line, ...(l.examples ? { examples: l.examples.n } : {}) })),
    selected: sel?.name,
    settings: displaySettings(input) as RunSettings,
    trusted,
    ...(suggested ? { suggested } : {}),
  };
}

/** What a run derived from a function: the values it used and why. */
export interface KnownSuggestion {
  values: Partial<Record<SuggestedField, number>>;
  why: Partial<Record<SuggestedField, string>>;
}

/**
 * The stage fields no layer sets (a stage without noise has no radius to set), filled in `input`
 * with what the last run derived, else the table's defaults; undefined when every field is set.
 */
function fillSuggested(input: RunConfigInput, known: KnownSuggestion | undefined): ControlsState['suggested'] {
  const stages = input.stages ?? [];
  const fields = SUGGESTED_FIELDS.filter((k) =>
    stages.some((st) => st[k] === undefined && !(k === 'radius' && (st.noise === 'none' || st.noise === 'minibatch'))),
  );
  for (const st of stages) for (const k of SUGGESTED_FIELDS) if (st[k] === undefined) st[k] = known?.values[k] ?? DEFAULT_SETTINGS[k];
  if (fields.length === 0) return undefined;
  const values: Partial<Record<SuggestedField, number>> = {};
  const why: Partial<Record<SuggestedField, string>> = {};
  for (const k of fields) {
    if (known?.values[k] === undefined) continue;
    values[k] = known.values[k];
    if (known.why[k]) why[k] = known.why[k];
  }
  return { fields, values, why };
}

/**
 * The run service's controls: mirrors the editor and the settings into `ControlsState` (given to
 * `apply`), debounced while the user types or moves the cursor; remembers the chosen function
 * per file.
 */
export class ControlsMirror {
  /** The side panel's chosen function per file. */
  readonly selected = new Map<string, string>();
  /** The values last suggested from each function (`file#export`), shown in the side panel as "suggested". */
  readonly suggestions = new Map<string, KnownSuggestion>();
  /** The editor the controls last mirrored (to show a new suggestion at once). */
  private lastEditor: EditorSnapshot | undefined;
  private timer?: unknown;

  constructor(
    private readonly deps: { clock: Clock; env: HostEnvironment },
    private readonly current: () => ControlsState | undefined,
    private readonly apply: (controls: ControlsState) => void,
  ) {}

  /** Mirrors the editor once editing pauses; `read` is called then. */
  changed(read: () => EditorSnapshot | undefined): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh(read());
    }, CONTROLS_DEBOUNCE_MS);
  }

  /** Mirrors the active loss editor (none: keep the last file's) and the settings now. */
  refresh(editor: EditorSnapshot | undefined): void {
    if (editor) this.lastEditor = editor;
    let settings: ExtensionSettings;
    try {
      settings = this.deps.env.readSettings();
    } catch {
      // A bad setting is reported when a run starts; the controls show the defaults meanwhile.
      settings = parseSettings({});
    }
    this.apply(
      mirrorControls({
        editor,
        previous: this.current(),
        settings,
        trusted: this.deps.env.isTrusted(),
        selected: this.selected,
        suggestions: this.suggestions,
      }),
    );
  }

  /** Remembers what a run suggested for `key` (`file#export`) and mirrors the last editor again. */
  suggested(key: string, s: Suggestion & { fields: SuggestedField[] }): void {
    const known: KnownSuggestion = { values: {}, why: {} };
    for (const k of s.fields) {
      known.values[k] = s[k];
      known.why[k] = s.why[k];
    }
    this.suggestions.set(key, known);
    this.refresh(this.lastEditor);
  }

  dispose(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
