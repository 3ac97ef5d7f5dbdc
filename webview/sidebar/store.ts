/**
 * The side panel's state: the host's HostState as last received, and the user's own edits
 * (persisted with setState so a hidden and shown view keeps them).
 */
import type { RunSettings, SideHostState, ToSideWebview } from '../../src/protocol/webview';
import { connect } from '../shared/vscode';
import { DEFAULT_RUN_SETTINGS } from './settings';

/** Persisted with setState: the user's edits, and the host settings they were made against. */
export interface SidebarUi {
  edited?: RunSettings;
  base?: string;
  exportName?: string;
  /** Suggested fields (lr, radius, steps) the user kept as their own values: sent with Run. */
  pinned?: string[];
  /** Recent runs ticked for "Compare", in the order ticked. */
  comparePick?: string[];
}

/** The host posts this page `ToSideWebview`: the state projected to what the side panel reads. */
export const host = connect<SidebarUi, ToSideWebview>();
export const ui: SidebarUi = host.getState() ?? {};

/** The host's state as last received (`store.state`, replaced on every message). */
export const store: { state: SideHostState } = { state: { status: { kind: 'idle' }, runs: [] } };

export function saveUi(): void {
  host.setState(ui);
}

/** The settings the form shows: the user's edits, else the host's. */
export function current(): RunSettings {
  if (ui.edited) return ui.edited;
  return store.state.controls?.settings ?? { ...DEFAULT_RUN_SETTINGS };
}

/** The function the next run will use (the picker's, else the editor's). */
export function selectedFunction(): string | undefined {
  return ui.exportName ?? store.state.controls?.selected;
}

/** The dimension of the selected function, as far as it is known. */
export function currentDim(): number {
  const sel = store.state.controls?.functions.find((f) => f.name === selectedFunction());
  return sel?.dim ?? current().dim ?? 1;
}

/** Whether the selected function is a finite sum, and its n when known (null: known once the file runs). */
export function currentExamples(): { finiteSum: boolean; n: number | null } {
  const sel = store.state.controls?.functions.find((f) => f.name === selectedFunction());
  return sel?.examples !== undefined ? { finiteSum: true, n: sel.examples } : { finiteSum: false, n: null };
}
