/**
 * The host's view model: shapes engine results into what the webviews draw (`ViewResult`,
 * `LiveView`), and decides what a provider posts so the same run (or landscape) is not sent twice.
 * No `vscode` import; the webview side of `stateMessage`/`liveMessage` is `webview/shared/receive.ts`.
 */
import { methodRoles } from '../engine/config';
import { smoothedMinimum } from '../engine/diagnostics';
import { binPoints } from '../engine/histogram';
import { landscapeAutoScale } from '../view/scaleKind';
import type { ExperimentResult, Histogram, Landscape, MethodResult, MethodRun, RunConfig } from '../engine/types';
import type {
  CompareState,
  HostState,
  LiveMessage,
  LiveView,
  SideLandscape,
  SideLandscapeView,
  SideLiveView,
  SideViewResult,
  StateMessage,
  ToSideWebview,
  ToWebview,
  ViewMethodResult,
  ViewMethodRun,
  ViewResult,
} from '../protocol/webview';

/**
 * What a provider posts for `state`, given the `current` it posted last to this webview
 * (undefined after `ready`): the same run object is not sent again.
 */
export function stateMessage(state: HostState, lastPosted: ViewResult | undefined, lastCompare?: CompareState): StateMessage {
  const out: StateMessage = { type: 'state', state };
  if (state.current && state.current === lastPosted) {
    const { current: _omitted, ...rest } = out.state;
    out.state = rest;
    out.keepCurrent = true;
  }
  // The same comparison (up to 10 runs' finals and maps) is not sent again either.
  if (state.compare && state.compare === lastCompare) {
    const { compare: _omitted, ...rest } = out.state;
    out.state = rest;
    out.keepCompare = true;
  }
  return out;
}

/** What a provider posts for a live update, given the live view it posted last to this webview. */
export function liveMessage(live: LiveView, lastPosted: LiveView | undefined): LiveMessage {
  const view = live.view;
  if (view && lastPosted?.runId === live.runId && lastPosted.view?.landscape === view.landscape) {
    const { landscape: _omitted, ...rest } = view;
    return { type: 'live', live: { ...live, view: rest as ViewResult }, keepLandscape: true };
  }
  return { type: 'live', live };
}

/**
 * What the host posts to the side panel for a message it posts to the panel: `state` and `live`
 * projected to what the side panel reads (`SideViewResult`, `SideLiveView`; no comparison), the
 * decisions of `stateMessage` / `liveMessage` (`keepCurrent`, `keepLandscape`) kept; `status` as is.
 * Pure: arrays are shared with the message, not copied.
 */
export function toSideMessage(message: ToWebview): ToSideWebview {
  switch (message.type) {
    case 'status':
      return message;
    case 'state': {
      const { current, live, compare: _compare, ...rest } = message.state;
      const state: ToSideWebview & { type: 'state' } = { type: 'state', state: rest };
      if (current) state.state.current = toSideView(current);
      if (live) state.state.live = toSideLive(live);
      if (message.keepCurrent) state.keepCurrent = true;
      return state;
    }
    case 'live': {
      const out: ToSideWebview & { type: 'live' } = { type: 'live', live: toSideLive(message.live) };
      if (message.keepLandscape) out.keepLandscape = true;
      return out;
    }
  }
}

/** The shared scale kind of a landscape's maps, computed once per landscape (its grids are sorted). */
const sideScales = new WeakMap<Landscape, 'linear' | 'log'>();

/**
 * What the small chart draws of a landscape (`SideLandscape`): the first g, and f where it is
 * drawn; a 2-D one with a g sends the maps' shared scale kind in place of f's grid.
 */
function sideLandscape(L: Landscape, dim: number): SideLandscape {
  const first = L.smoothed[0];
  const out: SideLandscape = { x: L.x, smoothed: first ? [{ radius: first.radius, values: first.values }] : [] };
  if (L.y) out.y = L.y;
  if (dim === 2 && first) {
    let scale = sideScales.get(L);
    if (!scale) sideScales.set(L, (scale = landscapeAutoScale(L)));
    out.scale = scale;
  } else out.f = L.f;
  return out;
}

/** The shown run as the side panel reads it (`SideViewResult`). */
export function toSideView(view: ViewResult): SideViewResult {
  const d = view.diagnostics;
  const diagnostics: SideViewResult['diagnostics'] = {
    xStar: d.xStar,
    xStarSource: d.xStarSource,
    c: d.c,
    convexity: d.convexity.map((m) => {
      const out: SideViewResult['diagnostics']['convexity'][number] = {
        radius: m.radius,
        positiveFraction: m.positiveFraction,
        argInf: m.argInf,
      };
      if (m.region) out.region = m.region;
      if (m.xStarCheck) out.xStarCheck = m.xStarCheck;
      return out;
    }),
    theorem1: d.theorem1,
    targets: d.targets,
    targetsSource: d.targetsSource,
    xStarTarget: d.xStarTarget,
    successRadius: d.successRadius,
    successSgd: d.successSgd,
    successGd: d.successGd,
  };
  if (d.minimaSearch) diagnostics.minimaSearch = d.minimaSearch;
  if (d.divergence) diagnostics.divergence = d.divergence;
  const c = view.config;
  const out: SideViewResult = {
    runId: view.runId,
    config: { function: c.function, dim: c.dim, trials: c.trials, stages: c.stages },
    landscape: sideLandscape(view.landscape, view.config.dim),
    diagnostics,
    sgd: { diverged: view.sgd.diverged },
    timing: { totalMs: view.timing.totalMs, workers: view.timing.workers },
    startedAt: view.startedAt,
  };
  if (view.source) out.source = view.source;
  if (view.gd) out.gd = { diverged: view.gd.diverged };
  if (view.methods) {
    out.methods = view.methods.map((m) => {
      const side: NonNullable<SideViewResult['methods']>[number] = {
        name: m.name,
        finalsAre: m.finalsAre,
        success: m.success,
        diverged: m.diverged,
      };
      if (m.role !== undefined) side.role = m.role;
      return side;
    });
  }
  return out;
}

/**
 * The running experiment as the side panel reads it (`SideLiveView`). The view's landscape is
 * absent when `liveMessage` left it out (`keepLandscape`); it stays absent here.
 */
export function toSideLive(live: LiveView): SideLiveView {
  const out: SideLiveView = { runId: live.runId };
  const v = live.view;
  if (v) {
    const view = { config: { dim: v.config.dim }, diagnostics: { xStar: v.diagnostics.xStar } } as SideLandscapeView;
    if (v.landscape) view.landscape = sideLandscape(v.landscape, v.config.dim);
    out.view = view;
  }
  return out;
}

function viewMethod(m: MethodResult): ViewMethodResult {
  return {
    finals: m.finals,
    finalLoss: m.finalLoss,
    divergedMask: m.divergedMask,
    diverged: m.diverged,
    paths: m.paths,
    pathTrials: m.pathTrials,
    pathSteps: m.pathSteps,
    // Results stored before snapshots existed have none.
    snapshots: m.snapshots ?? [],
    snapshotSteps: m.snapshotSteps ?? [],
    stageFinals: m.stageFinals,
  };
}

/** SGD's points and GD's (when the run compares GD) binned on the run's histogram edges. */
function binSgdGd(config: RunConfig, sgd: number[][], gd: number[][], xStar: number[]): Histogram {
  const withGd = methodRoles(config).gd >= 0;
  return binPoints(config, config.domain, withGd ? [sgd, gd] : [sgd], { sgd: 0, gd: withGd ? 1 : -1 }, { xStar });
}

/**
 * Where the trials are at the end of each stage but the last, binned by the engine on the run's
 * histogram edges (trials that diverged within a stage are not counted): every method's when the
 * result has them (in the order of config.methods, as the final histogram), else SGD's and GD's.
 */
function stageHistograms(
  config: RunConfig,
  sgd: MethodResult | undefined,
  gd: MethodResult | undefined,
  xStar: number[],
  methods?: MethodResult[],
): Histogram[] {
  if (methods && methods.length === config.methods.length) {
    const roles = methodRoles(config);
    return config.stages.slice(0, -1).map((_, i) =>
      binPoints(
        config,
        config.domain,
        methods.map((m) => m.stageFinals[i] ?? []),
        roles,
        { xStar },
      ),
    );
  }
  return config.stages.slice(0, -1).map((_, i) => binSgdGd(config, sgd?.stageFinals[i] ?? [], gd?.stageFinals[i] ?? [], xStar));
}

/**
 * 1-D: where every trial is at each snapshot step (`MethodResult.snapshots`, diverged trials left
 * out), binned by the engine on the run's histogram edges, for the time slider's histogram; every
 * method's when the result has them, else SGD's and GD's. [] for 2-D (the panel draws a density of
 * the points) and for results without snapshots.
 */
function snapshotHistograms(
  config: RunConfig,
  sgd: MethodResult,
  gd: MethodResult | undefined,
  xStar: number[],
  methods?: MethodResult[],
): Histogram[] {
  if (config.dim !== 1) return [];
  const at = (m: MethodResult | undefined, s: number) => (m?.snapshots?.[s] ?? []).filter((p): p is number[] => p !== null);
  return (sgd.snapshotSteps ?? []).map((_, s) =>
    methods && methods.length === config.methods.length
      ? binPoints(
          config,
          config.domain,
          methods.map((m) => at(m, s)),
          methodRoles(config),
          { xStar },
        )
      : binSgdGd(config, at(sgd, s), at(gd, s), xStar),
  );
}

/**
 * What the webviews need of a result. A 1000-trial × 5000-step run keeps 1000 finals per stage,
 * the sampled paths, the landscape grid and the diagnostics: small enough to post at once.
 * Arrays are shared with `result`, not copied (postMessage serialises them anyway).
 */
export function toViewResult(result: ExperimentResult, runId: string): ViewResult {
  const view: ViewResult = {
    version: 1,
    runId,
    config: result.config,
    diverged: result.diverged,
    sgd: viewMethod(result.sgd),
    landscape: result.landscape,
    diagnostics: result.diagnostics,
    stageHistograms: stageHistograms(result.config, result.sgd, result.gd, result.diagnostics.xStar, result.methods),
    snapshotHistograms: snapshotHistograms(result.config, result.sgd, result.gd, result.diagnostics.xStar, result.methods),
    timing: result.timing,
    startedAt: result.startedAt,
  };
  if (result.source) view.source = result.source;
  if (result.gd) view.gd = viewMethod(result.gd);
  if (result.methods) view.methods = result.methods.map(viewMethodRun);
  return view;
}

function viewMethodRun(m: MethodRun): ViewMethodRun {
  const run: ViewMethodRun = {
    ...viewMethod(m),
    name: m.name,
    optimizer: m.optimizer,
    finalsAre: m.finalsAre,
    success: m.success,
    successRate: m.successRate,
    perTarget: m.perTarget,
    outside: m.outside,
  };
  if (m.noise !== undefined) run.noise = m.noise;
  if (m.role !== undefined) run.role = m.role;
  return run;
}

/**
 * A stored run as "Compare runs" draws it: its finals, histograms, success counts and f (the
 * background of its finals); the smoothed landscapes, c(y) maps, Figure 5 series and sampled
 * paths are left out, so ten runs stay small.
 */
export function toCompareView(result: ExperimentResult, runId: string): ViewResult {
  const view = toViewResult(result, runId);
  const slim = <T extends ViewMethodResult>(m: T): T => ({
    ...m,
    paths: [],
    pathTrials: [],
    pathSteps: [],
    snapshots: [],
    snapshotSteps: [],
    stageFinals: [],
  });
  const out: ViewResult = {
    ...view,
    landscape: { ...view.landscape, smoothed: [] },
    diagnostics: { ...view.diagnostics, convexity: [], trajectory: NO_TRAJECTORY },
    stageHistograms: [],
    snapshotHistograms: [],
    sgd: slim(view.sgd),
  };
  if (view.gd) out.gd = slim(view.gd);
  if (view.methods) out.methods = view.methods.map(slim);
  return out;
}

const NO_TRAJECTORY = {
  steps: [],
  innerMin: [],
  innerMean: [],
  probeMean: [],
  probeMin: [],
  probeMax: [],
  gradNormMean: [],
  gradNormMin: [],
  gradNormMax: [],
};

/**
 * Shapes a run's partial results for drawing (see `LiveView`). x* is what the diagnostics will
 * use when it can be known now: config.xStar, else the engine's `smoothedMinimum` of the landscape
 * (the domain's centre while no grid value is finite).
 */
export function toLiveView(
  runId: string,
  config: RunConfig,
  partial: { landscape?: Landscape; sgd?: MethodResult; gd?: MethodResult; trialsDone: number },
  startedAt: string,
  source?: { file: string; exportName: string },
): LiveView {
  const live: LiveView = { runId, trialsDone: partial.trialsDone, trials: config.trials };
  const landscape = partial.landscape;
  if (!landscape) return live;
  const gridMin = config.xStar ? [] : smoothedMinimum(landscape, config.dim);
  const xStar = config.xStar
    ? [...config.xStar]
    : gridMin.length === config.dim
      ? gridMin
      : config.domain.low.map((l, j) => (l + config.domain.high[j]!) / 2);
  const empty = (): ViewMethodResult => ({
    finals: [],
    finalLoss: [],
    divergedMask: [],
    diverged: 0,
    paths: [],
    pathTrials: [],
    pathSteps: [],
    snapshots: [],
    snapshotSteps: [],
    stageFinals: config.stages.map(() => []),
  });
  const sgd = partial.sgd ? viewMethod(partial.sgd) : empty();
  /** The finals of the trials done that did not diverge, as the finished run's histogram counts them. */
  const done = (m: MethodResult | undefined) => (m ? m.finals.filter((_, t) => !m.divergedMask[t]) : []);
  const view: ViewResult = {
    version: 1,
    runId,
    config,
    diverged: sgd.diverged,
    sgd,
    landscape,
    diagnostics: {
      xStar,
      xStarSource: config.xStar ? 'config' : 'smoothed-minimum',
      c: NaN,
      convexity: [],
      theorem1: [],
      trajectory: NO_TRAJECTORY,
      histogram: binSgdGd(config, done(partial.sgd), done(partial.gd), xStar),
      L: NaN,
      targets: config.targets ? config.targets.map((t) => [...t]) : [xStar],
      targetsSource: config.targets ? 'declared' : 'x-star',
      xStarTarget: -1,
      successRadius: NaN,
      successSgd: NaN,
      successGd: NaN,
      methods: [],
    },
    stageHistograms: stageHistograms(config, partial.sgd, partial.gd, xStar),
    snapshotHistograms: partial.sgd ? snapshotHistograms(config, partial.sgd, partial.gd, xStar) : [],
    timing: { trialsMs: 0, gdMs: 0, landscapeMs: 0, diagnosticsMs: 0, totalMs: 0, workers: 0 },
    startedAt,
  };
  if (source) view.source = source;
  if (methodRoles(config).gd >= 0) view.gd = partial.gd ? viewMethod(partial.gd) : empty();
  live.view = view;
  return live;
}
