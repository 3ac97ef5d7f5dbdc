/**
 * Host ↔ webview protocol, shared by the landscape panel and the side panel: types only (and
 * COMPARE_MAX, the one limit both sides read).
 * The host owns all state; webviews are renderers that say `ready` and get the whole state back.
 *
 * Who does what with these types: the host shapes results into views (`src/extension/viewModel.ts`)
 * and posts them; every message a webview sends is validated by `parseFromWebview`
 * (`src/protocol/validateWebview.ts`) before the host acts on it; a webview puts back what the host
 * left out of a message (`webview/shared/receive.ts`).
 */
import type {
  ConvexityMap,
  Decay,
  Diagnostics,
  Histogram,
  Landscape,
  MethodResult,
  MethodRun,
  NoiseKind,
  RunConfig,
  RunConfigInput,
  RunTiming,
  SmoothedCurve,
} from '../engine/types';
import type { SweepGrid } from '../engine/sweep';
import type { SweepSummary } from './sweep';

/** A run as listed in "recent runs". */
export interface RunSummary {
  id: string;
  label: string;
  file: string;
  exportName: string;
  startedAt: string;
  dim: number;
  trials: number;
  successSgd: number;
  successGd: number;
  c: number;
  diverged: number;
  /** Stored without per-trial checkpoints and gradient norms (the result was over the size cap). */
  slimmed?: boolean;
}

/** What a run looks like while it goes, or how it ended. */
export type RunStatus =
  | { kind: 'idle' }
  | { kind: 'running'; runId: string; label: string; phase: string; done: number; total: number }
  | { kind: 'error'; message: string; file?: string; line?: number; exportName?: string }
  | { kind: 'cancelled' };

/** Settings of the side panel: a RunConfigInput whose first stage is always spelled out. */
export type RunSettings = RunConfigInput & { lr: number; radius: number; noise: NoiseKind; steps: number };

/** Controls of the side panel, mirrored from settings and the active file. */
export interface ControlsState {
  file?: string;
  /** The file's losses; `examples` for a finite sum: n, or null when n is known only once the file runs. */
  functions: Array<{ name: string; dim: number | null; line: number; examples?: number | null }>;
  selected?: string;
  settings: RunSettings;
  trusted: boolean;
  /**
   * Stage fields (lr, radius, steps) that no setting, file default or stage sets for the selected
   * function: the run derives them from f (engine/suggest.ts). `values` and `why`: what the last
   * run of this function derived (`settings` then shows those values), absent before it ran.
   */
  suggested?: {
    fields: Array<'lr' | 'radius' | 'steps'>;
    values: Partial<Record<'lr' | 'radius' | 'steps', number>>;
    why: Partial<Record<'lr' | 'radius' | 'steps', string>>;
  };
}

/**
 * One method's result as the webviews see it: finals, sampled paths and per-stage finals.
 * Per-trial checkpoints and stochastic-gradient norms are dropped (Diagnostics.trajectory
 * already summarises them), as are x_T and the starts (a path's first point is its start).
 */
export type ViewMethodResult = Pick<
  MethodResult,
  | 'finals'
  | 'finalLoss'
  | 'divergedMask'
  | 'diverged'
  | 'paths'
  | 'pathTrials'
  | 'pathSteps'
  | 'snapshots'
  | 'snapshotSteps'
  | 'stageFinals'
>;

/**
 * One method of a run as the webviews see it (RESULT.json `methods[i]`): what it is (name,
 * optimizer, noise override, its role `sgd`/`gd` in the paper's pair), its trials as
 * `ViewMethodResult`, which point its finals are, and how it fared against the targets.
 */
export type ViewMethodRun = ViewMethodResult &
  Pick<MethodRun, 'name' | 'optimizer' | 'noise' | 'role' | 'finalsAre' | 'success' | 'successRate' | 'perTarget' | 'outside'>;

/** An ExperimentResult shaped for drawing (by the host's `toViewResult`). */
export interface ViewResult {
  version: 1;
  /** The run's id (as in "recent runs" and `LiveView.runId`): the webviews' key for "which run is this". */
  runId: string;
  config: RunConfig;
  source?: { file: string; exportName: string };
  diverged: number;
  sgd: ViewMethodResult;
  gd?: ViewMethodResult;
  /**
   * Every method of the run, in order (`sgd` and `gd` above are two of them, the same arrays);
   * absent while a run goes and in runs stored before methods existed.
   */
  methods?: ViewMethodRun[];
  landscape: Landscape;
  diagnostics: Diagnostics;
  /**
   * Where the trials are at the end of stage i, for every stage but the last (whose end is
   * `diagnostics.histogram`), binned by the engine on the same edges as that histogram.
   */
  stageHistograms: Histogram[];
  /** 1-D: every trial at each snapshot step (`sgd.snapshotSteps`), binned as the final histogram; [] otherwise. */
  snapshotHistograms: Histogram[];
  timing: RunTiming;
  startedAt: string;
  /**
   * Host clock (ms since epoch) when this run finished, for a run that just finished in this
   * window (absent for stored runs): the panel reports how long after that its charts were drawn.
   */
  finishedAt?: number;
  /** Host clock when this run started (prepared: bundled, inspected, its tasks queued), with `finishedAt`. */
  runStartedAt?: number;
}

/**
 * A run while it goes: what exists so far, shaped like a ViewResult so the panel's charts draw
 * it unchanged. `view.diagnostics` is a placeholder (x* from the config or the landscape's
 * smoothed minimum; no c(y), Theorem 1 or Figure 5: they need the whole run), except its
 * histogram: the trials done so far, binned by the engine as the finished run's will be.
 */
export interface LiveView {
  runId: string;
  /** SGD trials done so far, of `trials`. */
  trialsDone: number;
  trials: number;
  /** Drawable once the landscape is in; before that only the counts exist. */
  view?: ViewResult;
}

/** Most runs compared at once (every stored run: the store keeps 10). */
export const COMPARE_MAX = 10;

/**
 * Stored runs side by side (the panel's "Compare runs"), in the order picked, each slimmed by the
 * host's `toCompareView` to what the comparison draws: finals, histograms, success counts and f
 * (no smoothed landscapes, c(y) maps, Figure 5 series or sampled paths).
 */
export interface CompareState {
  runs: ViewResult[];
  /** Ids asked for that are no longer stored (said in the panel). */
  missing: string[];
}

/** Everything the webviews render; owned by the host, replayed whole to a webview that says `ready`. */
export interface HostState {
  status: RunStatus;
  /** The run shown in the panel (the last good one; kept when a later run fails). */
  current?: ViewResult;
  /** The run in progress, while it goes; dropped when it ends (replaced by `current` on success). */
  live?: LiveView;
  runs: RunSummary[];
  controls?: ControlsState;
  /** Stored sweeps, newest first (the side panel lists them; the sweep panel shows one). */
  sweeps?: SweepSummary[];
  /** Runs compared side by side in the panel (absent until the user compares runs, and after closing). */
  compare?: CompareState;
}

// ---- what the side panel reads ----
// The side panel shows a summary of the shown run and a small picture of its landscape (or of the
// running experiment's), not the panel's charts: the host posts it these projections (built by
// `toSideMessage` in src/extension/viewModel.ts), and its code (webview/sidebar/**) is typed
// against them, so the compiler proves it reads nothing else. A `ViewResult` is assignable to
// each, so the shared helpers it calls (webview/shared/summary.ts, the small landscape chart)
// take these types and the panel calls them with its full view.

/**
 * The grids the small landscape chart draws: the first g (`smoothed`, none or one), and f where it
 * is drawn (1-D and d > 2 beside g; 2-D only when there is no g). A 2-D view with a g has no f:
 * `scale` is then the colour-scale kind the panel's maps of f and every g share under `auto`
 * (src/view/scaleKind.ts `landscapeAutoScale`, from the full grids). A full `Landscape` is
 * assignable to it (the chart then reads the kind from f and its g's itself).
 */
export type SideLandscape = Pick<Landscape, 'x' | 'y'> & {
  f?: Landscape['f'];
  smoothed: Array<Pick<SmoothedCurve, 'radius' | 'values'>>;
  scale?: 'linear' | 'log';
};

/** What the side panel's small landscape chart reads of a view (the shown run's or the running experiment's). */
export interface SideLandscapeView {
  config: Pick<RunConfig, 'dim'>;
  landscape: SideLandscape;
  diagnostics: Pick<Diagnostics, 'xStar'>;
}

/** A c(y) map as the summary reads it: its readings, not its grid. */
export type SideConvexity = Pick<ConvexityMap, 'radius' | 'region' | 'xStarCheck' | 'positiveFraction' | 'argInf'>;

/** One method of the run as the summary reads it: its name, role, successes and divergences. */
export type SideMethod = Pick<ViewMethodRun, 'name' | 'finalsAre' | 'role' | 'success' | 'diverged'>;

/**
 * The shown run as the side panel reads it: its label, the success, c(y), divergence and
 * Theorem 1 sentences, the status line's timing, and the small landscape chart. No paths,
 * finals, snapshots, histograms, c(y) grids or Figure 5 series.
 */
export interface SideViewResult extends SideLandscapeView {
  runId: ViewResult['runId'];
  source?: ViewResult['source'];
  config: Pick<RunConfig, 'function' | 'dim' | 'trials' | 'stages'>;
  diagnostics: Pick<
    Diagnostics,
    | 'xStar'
    | 'xStarSource'
    | 'minimaSearch'
    | 'c'
    | 'theorem1'
    | 'targets'
    | 'targetsSource'
    | 'xStarTarget'
    | 'successRadius'
    | 'successSgd'
    | 'successGd'
    | 'divergence'
  > & { convexity: SideConvexity[] };
  sgd: Pick<ViewMethodResult, 'diverged'>;
  gd?: Pick<ViewMethodResult, 'diverged'>;
  methods?: SideMethod[];
  timing: Pick<RunTiming, 'totalMs' | 'workers'>;
  startedAt: ViewResult['startedAt'];
}

/** The running experiment as the side panel reads it: its id and, once it exists, its landscape. */
export interface SideLiveView {
  runId: LiveView['runId'];
  view?: SideLandscapeView;
}

/** The host state as the side panel reads it (no comparison: the panel draws it). */
export type SideHostState = Omit<HostState, 'current' | 'live' | 'compare'> & {
  current?: SideViewResult;
  live?: SideLiveView;
};

// ---- host → webview ----

/** The whole state: the answer to `ready`, and after any change a renderer cannot derive. */
export interface StateMessage {
  type: 'state';
  state: HostState;
  /**
   * The host left `state.current` out because it is the run it last posted to this webview: the
   * webview keeps the one it has (a cursor move must not re-send megabytes).
   */
  keepCurrent?: boolean;
  /** Likewise for `state.compare`: the comparison this webview has is still the one. */
  keepCompare?: boolean;
  /**
   * Host clock (ms since the epoch) when the host handed this message to `webview.postMessage`,
   * after packing it: with the view's `finishedAt` and the page's own clock at its arrival, the
   * panel tells the host's part of "run finished → received" from the delivery's.
   */
  postedAt?: number;
}
/** Progress of the running experiment. */
export interface StatusMessage {
  type: 'status';
  status: RunStatus;
}

/** New partial results of the running experiment (also in `state.live` for hydration). */
export interface LiveMessage {
  type: 'live';
  live: LiveView;
  /**
   * The host left `live.view.landscape` out because this webview has it from the same run's last
   * live message (a 2-D grid is megabytes; it does not change during a run).
   */
  keepLandscape?: boolean;
}

/** Everything the host posts to a webview. */
export type ToWebview = StateMessage | StatusMessage | LiveMessage;

/** `state` to the side panel: the state projected (`keepCurrent` as in `StateMessage`). */
export interface SideStateMessage {
  type: 'state';
  state: SideHostState;
  keepCurrent?: boolean;
}
/** `live` to the side panel: the live view projected (`keepLandscape` as in `LiveMessage`). */
export interface SideLiveMessage {
  type: 'live';
  live: SideLiveView;
  keepLandscape?: boolean;
}
/** Everything the host posts to the side panel. */
export type ToSideWebview = SideStateMessage | StatusMessage | SideLiveMessage;

// ---- webview → host ----

/** The webview's listener is installed; send the state. */
export interface ReadyMessage {
  type: 'ready';
}
/** Side panel: run the selected function with the settings the user edited there. */
export interface RunMessage {
  type: 'run';
  exportName?: string;
  /**
   * Only the fields the user changed from the shown `controls.settings` (they override the
   * settings and the file's defaults). An edit of any stage sends the whole `stages` list, with
   * `lr`/`radius`/`noise`/`steps` repeating stage 1 when those changed.
   */
  settings: RunConfigInput & { lr?: number; radius?: number; noise?: NoiseKind; steps?: number; decay?: Decay };
}
/** Stop the running experiment. */
export interface StopMessage {
  type: 'stop';
}
/** Show a past run in the panel. */
export interface OpenRunMessage {
  type: 'openRun';
  runId: string;
}
/**
 * Side panel: run one function with each of these settings in turn (as `run` does, one after the
 * other), then compare the runs side by side; stops at the first run that fails or is stopped.
 * The paper's Figure 3 row 2 (GD and noise 0.15, 0.3, 0.6) is one of these.
 */
export interface RunSeriesMessage {
  type: 'runSeries';
  exportName?: string;
  /** 2 to COMPARE_MAX settings, each as `RunMessage.settings`. */
  settings: Array<RunMessage['settings']>;
}
/** Compare stored runs side by side in the panel (2 to COMPARE_MAX ids); no ids closes the comparison. */
export interface CompareRunsMessage {
  type: 'compareRuns';
  runIds: string[];
}
/** Save a chart as PNG (data URL of the canvas). */
export interface ExportPngMessage {
  type: 'exportPng';
  name: string;
  dataUrl: string;
}
/** Export the shown run. */
export interface ExportRunMessage {
  type: 'exportRun';
  format: 'json' | 'csv';
}
/** Reveal a location in the user's file (error links). */
export interface RevealMessage {
  type: 'reveal';
  file: string;
  line: number;
}
/**
 * Side panel: sweep the selected function over a grid of noise radius × learning rate, with the
 * settings the user edited there (as `run`'s) below the grid.
 */
export interface SweepMessage {
  type: 'sweep';
  exportName?: string;
  settings: RunMessage['settings'];
  /** SWEEP.json's `sweep`, checked like it (radius and lr lists). */
  grid: SweepGrid;
}
/** Side panel: show a stored sweep in the sweep panel. */
export interface OpenSweepFromPanelMessage {
  type: 'openSweep';
  sweepId: string;
}
/** Side panel: open (or reveal) the landscape panel. */
export interface ShowPanelMessage {
  type: 'showPanel';
}

/** Everything a webview may post to the host (anything else is dropped by `parseFromWebview`). */
export type FromWebview =
  | ReadyMessage
  | RunMessage
  | StopMessage
  | OpenRunMessage
  | CompareRunsMessage
  | RunSeriesMessage
  | ExportPngMessage
  | ExportRunMessage
  | RevealMessage
  | ShowPanelMessage
  | SweepMessage
  | OpenSweepFromPanelMessage;
