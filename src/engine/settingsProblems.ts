/**
 * How the settings checks record what is wrong: one problem per bad value or unknown key (its
 * path, and where it was written when known), at most MAX_PROBLEMS listed; and the check of an
 * object's keys against the known names (a typo gets the nearest name; `__proto__` and the other
 * reserved names are refused). The checks of values: settingsValues.ts and settingsValidate.ts.
 */
import { nearest } from './settingsText';

export interface SettingProblem {
  /** Path of the offending setting as the user writes it, e.g. `stages[1].radius`. */
  setting: string;
  /**
   * `value`: a bad value; `message` follows "setting: ". `unknown`: an unknown key, and `shape`:
   * the whole input is not an object; for these two `message` is the whole sentence.
   */
  kind: 'value' | 'unknown' | 'shape';
  message: string;
  /** Where the value was written, e.g. `/work/f.ts:12`, when known. */
  location?: string;
}

/** One line per problem: "trials: must be …", "unknown setting stpes; did you mean steps?", plus " (file:line)". */
export function problemText(p: SettingProblem): string {
  const text = p.kind === 'value' ? `${p.setting}: ${p.message}` : p.message;
  return p.location ? `${text} (${p.location})` : text;
}

/** At most this many problems are listed; the rest are counted. */
export const MAX_PROBLEMS = 20;

/** Collects problems; paths are built by the caller. */
export class Problems {
  readonly list: SettingProblem[] = [];
  more = 0;
  constructor(private readonly locate?: (path: string) => string | undefined) {}

  add(setting: string, message: string, kind: SettingProblem['kind'] = 'value'): void {
    if (this.list.length >= MAX_PROBLEMS) {
      this.more++;
      return;
    }
    const location = this.locate?.(setting);
    this.list.push(location ? { setting, kind, message, location } : { setting, kind, message });
  }

  get count(): number {
    return this.list.length + this.more;
  }
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** How a check names a key: below a dotted path, or by a function (top-level names may differ). */
export type Namer = string | ((key: string) => string);

export function nameOf(namer: Namer, key: string): string {
  return typeof namer === 'string' ? join(namer, key) : namer(key);
}

/**
 * Reports every key of `o` outside `known` (with the nearest known name), and every reserved
 * name (`__proto__`, `constructor`, `prototype`). Returns the known keys present.
 */
export function checkKeys(
  p: Problems,
  o: Record<string, unknown>,
  path: Namer,
  known: readonly string[],
  listKnown = known.length <= 8,
): string[] {
  const present: string[] = [];
  for (const k of Object.keys(o)) {
    if (known.includes(k)) {
      present.push(k);
      continue;
    }
    const name = k.length > 80 ? `${k.slice(0, 80)}… (${k.length} chars)` : k;
    const full = nameOf(path, name);
    if (RESERVED.has(k)) {
      p.add(full, `unknown setting ${full} ("${k}" is a reserved JavaScript name, never a setting)`, 'unknown');
      continue;
    }
    const near = nearest(k, known);
    const hint = near ? `; did you mean ${near}?` : listKnown ? `; expected one of ${known.join(', ')}` : '';
    p.add(full, `unknown setting ${full}${hint}`, 'unknown');
  }
  return present;
}
