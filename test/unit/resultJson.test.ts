/**
 * RESULT.json's serializer: NaN and ±Infinity (a gap in g, a diverged trial) have no JSON form and
 * are written as null, everywhere in the result (top level, arrays, nested objects), with -0 as 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultJson } from '../../src/cli/common';

test('resultJson writes NaN and ±Infinity as null and keeps every finite number', () => {
  const value = {
    a: NaN,
    b: [1, Infinity, -Infinity, -0, 0.1 + 0.2, 1e-310],
    c: { d: [[NaN, 2.5]], e: 'NaN', f: null, g: true },
  };
  const text = resultJson(value);
  assert.equal(text, '{"a":null,"b":[1,null,null,0,0.30000000000000004,1e-310],"c":{"d":[[null,2.5]],"e":"NaN","f":null,"g":true}}');
  assert.deepEqual(JSON.parse(text).b.slice(3), [0, 0.30000000000000004, 1e-310]);
  assert.equal(resultJson(NaN), 'null');
});
