/**
 * The panel's DOM: header, status, error banner, summary and the cards holding the charts and
 * their controls. Built once; everything else only fills it. Text goes in as text (no innerHTML).
 */
import { h } from '../shared/dom';
import {
  convexitySelect,
  densitySelect,
  layerSelect,
  layoutSelect,
  pathsSelect,
  playButton,
  scaleSelect,
  stageSelect,
  timeLabel,
  timeSlider,
} from './controls';
import { compareCard } from './compare';
import { SLOTS, type ChartSlot } from './slots';
import { surfaceCard } from './surface';

export const root = h('main', { id: 'root', 'data-testid': 'panel-root' });
export const runTitle = h('h1', { 'data-testid': 'run-label' }, 'SGD Landscape');
export const statusLine = h('div', { class: 'status', 'data-testid': 'status', role: 'status' });
export const progressBar = h('div', { class: 'progress-fill' });
export const progress = h('div', { class: 'progress', 'data-testid': 'progress', hidden: true }, progressBar);
export const errorText = h('span', { class: 'error-text' });
export const errorLink = h('a', { href: '#', class: 'error-link', hidden: true });
export const errorBanner = h('div', { class: 'error', 'data-testid': 'error', role: 'alert', hidden: true }, errorText, ' ', errorLink);
export const summary = h('p', { class: 'summary', 'data-testid': 'summary' });
export const empty = h('p', { class: 'empty' }, 'No run to show yet. Pick a function in the SGD Landscape side panel and press Run.');
export const exportJson = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'export-json', title: 'Save this run as JSON' },
  'Export JSON',
);
export const exportCsv = h(
  'vscode-button',
  { secondary: true, 'data-testid': 'export-csv', title: 'Save the final iterates as CSV' },
  'Export CSV',
);
export const successLine = h('p', { class: 'note', 'data-testid': 'success' });
export const convexityLine = h('p', { class: 'note', 'data-testid': 'convexity-text' });
export const theoremList = h('ul', { class: 'theorem', 'data-testid': 'theorem1' });
export const theorem3Line = h('p', { class: 'note', 'data-testid': 'theorem3' });
/** Targets (the minima success counts against) and finals outside the plot, in words. */
export const targetsLine = h('p', { class: 'note', 'data-testid': 'targets' });
/**
 * Why the finals and their density cannot follow the time slider and Play (the run holds no
 * positions of all trials over time: shared/snapshots.ts); hidden when it does.
 */
export const whereSnapshotsLine = h('p', { class: 'note', 'data-testid': 'where-snapshots', hidden: true });

let savePng: (s: ChartSlot) => void = () => undefined;

/** A chart's figure: caption with its PNG button, and the canvas in a box CSS sizes. */
function figure(s: ChartSlot): HTMLElement {
  const png = h('vscode-button', { secondary: true, 'data-testid': `png-${s.id}`, title: `Save “${s.title}” as PNG`, class: 'png' }, 'PNG');
  png.addEventListener('click', () => savePng(s));
  return h(
    'figure',
    { class: s.tall ? 'chart tall' : 'chart' },
    h('figcaption', {}, h('span', {}, s.title), png),
    h('div', { class: 'canvas-box' }, s.canvas, s.note),
  );
}

/** Finals and histogram: beside each other, or one above the other when each holds a column per method. */
export const finalsPair = h('div', { class: 'pair', 'data-testid': 'finals-pair' }, figure(SLOTS.finals), figure(SLOTS.histogram));

function card(title: string, toolbar: Node[], ...body: Node[]): HTMLElement {
  return h('section', { class: 'card' }, h('header', {}, h('h2', {}, title), h('div', { class: 'toolbar' }, ...toolbar)), ...body);
}

/** The card that needs a complete run (hidden while a run goes). */
export const diagnosticsCard = card(
  'Diagnostics',
  [convexitySelect],
  convexityLine,
  figure(SLOTS.convexity),
  h('h3', {}, 'Theorem 1 against what happened'),
  theoremList,
  theorem3Line,
  h('h3', {}, 'Along the SGD trajectories (the paper’s Figure 5)'),
  h('div', { class: 'triple' }, figure(SLOTS.fig5Inner), figure(SLOTS.fig5Probe), figure(SLOTS.fig5GradNorm)),
);

/** The measured minibatch noise against the isotropic model in words (data-testid="noise-text"). */
export const noiseLine = h('p', { class: 'note', 'data-testid': 'noise-text' });

/** Minibatch runs on a finite sum (issue 14): hidden for other runs and while a run goes. */
export const noiseCard = h(
  'div',
  { 'data-testid': 'noise-card', hidden: true },
  card(
    'Minibatch noise against the isotropic model',
    [],
    noiseLine,
    figure(SLOTS.noiseLandscapes),
    figure(SLOTS.noiseConvexity),
    figure(SLOTS.noiseQq),
  ),
);

/** The d > 2 plane through x* in words (data-testid="plane-text"). */
export const planeLine = h('p', { class: 'note', 'data-testid': 'plane-text' });

/** d > 2 runs (issue 14): f, g and c(y) on a plane through x*, the paths projected; hidden otherwise and while a run goes. */
export const planeCard = h(
  'div',
  { 'data-testid': 'plane-card', hidden: true },
  card('Landscape on a plane through x*', [], planeLine, figure(SLOTS.planeLandscapes), figure(SLOTS.planeConvexity)),
);

/** The cards (hidden while there is no run). */
export const content = h(
  'div',
  { class: 'content' },
  card('Landscape', [layerSelect, scaleSelect], figure(SLOTS.landscape)),
  surfaceCard,
  card('Trajectories', [pathsSelect, playButton, timeSlider, timeLabel], figure(SLOTS.trajectories)),
  card('Where trials end', [stageSelect, layoutSelect, densitySelect], successLine, targetsLine, whereSnapshotsLine, finalsPair),
  diagnosticsCard,
  noiseCard,
  planeCard,
);

/** Puts the page into document.body; `onPng` saves a chart when its PNG button is pressed. */
export function mount(onPng: (s: ChartSlot) => void): void {
  savePng = onPng;
  root.append(
    h('header', { class: 'top' }, runTitle, h('div', { class: 'actions' }, exportJson, exportCsv)),
    statusLine,
    progress,
    errorBanner,
    summary,
    compareCard,
    empty,
    content,
  );
  document.body.append(root);
}
