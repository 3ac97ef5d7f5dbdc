import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatFraction, formatNumber, formatPercent, formatPoint } from '../../webview/shared/format';

test('formatNumber: significant digits, exponents for extremes, typographic minus', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(0.3), '0.3');
  assert.equal(formatNumber(1 / 3), '0.333');
  assert.equal(formatNumber(-2.5), '−2.5');
  assert.equal(formatNumber(12345), '12300');
  assert.equal(formatNumber(123456), '1.23e5');
  assert.equal(formatNumber(2e6), '2e6');
  assert.equal(formatNumber(0.00015), '1.5e-4');
  assert.equal(formatNumber(-0.00015), '−1.5e-4');
  assert.equal(formatNumber(0.001), '0.001');
  assert.equal(formatNumber(NaN), '–');
  assert.equal(formatNumber(Infinity), '∞');
  assert.equal(formatNumber(-Infinity), '−∞');
  assert.equal(formatNumber(Math.PI, 5), '3.1416');
  // NaN written to RESULT.json comes back as null
  assert.equal(formatNumber(null), '–');
  assert.equal(formatNumber(undefined), '–');
});

test('percent, fraction, duration, point', () => {
  assert.equal(formatPercent(0.1234), '12%');
  assert.equal(formatPercent(0.004), '0.4%');
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(NaN), '–');
  assert.equal(formatFraction(87, 100), '87 / 100 (87%)');
  assert.equal(formatFraction(0, 0), '0 / 0');
  assert.equal(formatDuration(850.4), '850 ms');
  assert.equal(formatDuration(3210), '3.2 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(-1), '–');
  assert.equal(formatPoint([0.5]), '0.5');
  assert.equal(formatPoint([0, -1.25]), '(0, −1.25)');
});
