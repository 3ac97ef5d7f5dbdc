/** Number formatting for labels, summaries and tooltips. Pure; unit-tested. */

/**
 * A number in at most `digits` significant digits, switching to exponent form for very large or
 * very small magnitudes so a label never grows past ~10 characters. NaN → "–", ±∞ → "∞".
 * null/undefined also give "–": a result read back from RESULT.json has null where it had NaN.
 */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  if (typeof x !== 'number' || Number.isNaN(x)) return '–';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e5 || a < 1e-3) {
    s = x.toExponential(Math.max(0, digits - 1));
    // 1.50e-4 → 1.5e-4, 2.00e+6 → 2e6
    const [m, e] = s.split('e');
    const mant = m!.includes('.') ? m!.replace(/0+$/, '').replace(/\.$/, '') : m!;
    s = `${mant}e${Number(e)}`;
  } else {
    s = Number(x.toPrecision(digits)).toString();
  }
  return s.replace(/^-/, '−');
}

/** "12 / 100 (12%)" */
export function formatFraction(count: number, total: number): string {
  if (total <= 0) return `${count} / ${total}`;
  return `${count} / ${total} (${formatPercent(count / total)})`;
}

/** 0.1234 → "12%", 0.004 → "0.4%", 1 → "100%". */
export function formatPercent(f: number | null | undefined): string {
  if (typeof f !== 'number' || !Number.isFinite(f)) return '–';
  const p = f * 100;
  if (p !== 0 && Math.abs(p) < 1) return `${Number(p.toPrecision(1))}%`;
  return `${Math.round(p)}%`;
}

/** Milliseconds as "850 ms", "3.2 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(2))} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms - min * 60_000) / 1000)} s`;
}

/** A point as "(0.12, −3.4)"; one coordinate without parentheses. */
export function formatPoint(p: readonly (number | null)[], digits = 3): string {
  if (p.length === 1) return formatNumber(p[0]!, digits);
  return `(${p.map((v) => formatNumber(v, digits)).join(', ')})`;
}
