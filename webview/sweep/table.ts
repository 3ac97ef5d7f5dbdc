/**
 * The sweep panel's table: one row per cell of the shown layer (η, radius, successes, rate, Wilson
 * interval, GD's rate, diverged, median distance, c, Theorem 1) with an Open button per finished
 * cell (data-testid open-cell-<index>). Browser code.
 */
import type { SweepView } from '../../src/protocol/sweep';
import { h, setChildren } from '../shared/dom';
import { formatNumber as num, formatPercent as pct } from '../shared/format';
import { cellIndex, gridOf, intervalText } from './text';

/** Fills `table` with the cells of layer `layer`; `openCell(index)` runs when a row's Open is clicked. */
export function renderCellTable(table: HTMLElement, view: SweepView, layer: number, openCell: (index: number) => void): void {
  const g = gridOf(view);
  const gd = view.config.compareGd;
  const head = h(
    'tr',
    {},
    ...['η', 'radius', 'success', 'rate', 'Wilson 95%', ...(gd ? ['GD'] : []), 'diverged', 'median dist.', 'c', 'Thm 1', ''].map((t) =>
      h('th', {}, t),
    ),
  );
  const rows: HTMLElement[] = [];
  for (let il = 0; il < g.lr.length; il++) {
    for (let ir = 0; ir < g.radius.length; ir++) {
      const index = cellIndex(g, layer, il, ir);
      const c = view.cells[index] ?? null;
      const open = h(
        'button',
        { type: 'button', class: 'link', 'data-testid': `open-cell-${index}`, disabled: !c, title: 'Open this cell as a run' },
        'Open',
      );
      open.addEventListener('click', () => openCell(index));
      rows.push(
        h(
          'tr',
          { 'data-index': index, class: c ? '' : 'pending' },
          h('td', {}, num(g.lr[il])),
          h('td', {}, num(g.radius[ir])),
          h('td', {}, c ? `${c.success} / ${c.trials}` : '…'),
          h('td', {}, c ? pct(c.successRate) : ''),
          h('td', {}, c ? intervalText(c.interval) : ''),
          ...(gd ? [h('td', {}, c ? pct(c.gdSuccessRate) : '')] : []),
          h('td', {}, c ? String(c.diverged) : ''),
          h('td', {}, c ? num(c.medianDistance) : ''),
          h('td', {}, c ? num(c.c) : ''),
          h('td', {}, c ? (c.conditionHolds ? 'holds' : '–') : ''),
          h('td', {}, open),
        ),
      );
    }
  }
  setChildren(table, h('thead', {}, head), h('tbody', {}, ...rows));
}
