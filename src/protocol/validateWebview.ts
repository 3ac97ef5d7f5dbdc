/**
 * Validation of what webviews send: `parseFromWebview` checks each field's type and range and
 * drops anything else, so nothing unexpected reaches the host. The run settings are checked
 * against the settings table (src/engine/settingsSchema.ts), as everywhere else. Pure TS.
 */
import { SWEEP_FIELD } from '../engine/settingsSchema';
import { Problems, checkRunInput, checkSweep, problemText, type SweepGrid } from '../engine/settingsValidate';
import type { FromSweepWebview } from './sweep';
import { COMPARE_MAX, type FromWebview, type RunMessage } from './webview';

/** Bounds of the messages' other fields (the run settings' come from the settings table). */
export const LIMITS = {
  nameLength: 200,
  pathLength: 4096,
  pngBytes: 32 * 1024 * 1024,
} as const;

/** Thrown inside the validators and caught by `parseFromWebview`. */
class Invalid extends Error {}

function fail(what: string): never {
  throw new Invalid(what);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rejects keys outside `allowed` so that nothing unexpected reaches the controller. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${where}: unexpected field ${k}`);
}

function num(v: unknown, min: number, max: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(`${where}: number in [${min}, ${max}] expected`);
  return v;
}

function int(v: unknown, min: number, max: number, where: string): number {
  const n = num(v, min, max, where);
  if (!Number.isInteger(n)) fail(`${where}: integer expected`);
  return n;
}

function str(v: unknown, maxLength: number, where: string, pattern?: RegExp): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) fail(`${where}: string of 1..${maxLength} characters expected`);
  if (pattern && !pattern.test(v)) fail(`${where}: unexpected characters`);
  return v;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The side panel's run settings, checked against the settings table like RUN.json and the
 * file's defaults (src/engine/settingsValidate.ts): the same keys, types and ranges.
 */
function settings(v: unknown): RunMessage['settings'] {
  const p = new Problems();
  const { values } = checkRunInput(p, v, 'settings', 'settings');
  if (p.count > 0) fail(p.list.map(problemText).join('; '));
  return values as RunMessage['settings'];
}

/** A sweep's grid, checked like SWEEP.json's `sweep` (axes, ranges, distinct values, cell count). */
function grid(v: unknown): SweepGrid {
  const p = new Problems();
  const g = checkSweep(p, v, SWEEP_FIELD, 'grid');
  if (!g || p.count > 0) fail(p.list.map(problemText).join('; '));
  return g;
}

/** Ids the host makes (`newRunId`): time-sortable letters, digits and separators. */
const ID = /^[\w.:-]+$/;

/** Base64 PNG data URL, as `canvas.toDataURL('image/png')` returns it. */
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;
/** A file-name stem for the save dialog: letters, digits, space, dot, dash, underscore. */
const EXPORT_NAME = /^[\w .-]+$/;

function validate(raw: unknown): FromWebview {
  if (!isRecord(raw)) fail('message: object expected');
  switch (raw.type) {
    case 'ready':
    case 'stop':
    case 'showPanel':
      onlyKeys(raw, ['type'], raw.type);
      return { type: raw.type };
    case 'run': {
      onlyKeys(raw, ['type', 'exportName', 'settings'], 'run');
      const msg: RunMessage = { type: 'run', settings: settings(raw.settings) };
      if (raw.exportName !== undefined) msg.exportName = str(raw.exportName, LIMITS.nameLength, 'run.exportName', IDENTIFIER);
      return msg;
    }
    case 'sweep': {
      onlyKeys(raw, ['type', 'exportName', 'settings', 'grid'], 'sweep');
      const msg = { type: 'sweep' as const, settings: settings(raw.settings), grid: grid(raw.grid) };
      return raw.exportName === undefined
        ? msg
        : { ...msg, exportName: str(raw.exportName, LIMITS.nameLength, 'sweep.exportName', IDENTIFIER) };
    }
    case 'openRun':
      onlyKeys(raw, ['type', 'runId'], 'openRun');
      return { type: 'openRun', runId: str(raw.runId, LIMITS.nameLength, 'openRun.runId', ID) };
    case 'runSeries': {
      onlyKeys(raw, ['type', 'exportName', 'settings'], 'runSeries');
      const list = raw.settings;
      if (!Array.isArray(list) || list.length < 2 || list.length > COMPARE_MAX)
        fail(`runSeries.settings: 2 to ${COMPARE_MAX} settings expected`);
      const msg: FromWebview = { type: 'runSeries', settings: list.map((s) => settings(s)) };
      if (raw.exportName !== undefined) msg.exportName = str(raw.exportName, LIMITS.nameLength, 'runSeries.exportName', IDENTIFIER);
      return msg;
    }
    case 'compareRuns': {
      onlyKeys(raw, ['type', 'runIds'], 'compareRuns');
      const ids = raw.runIds;
      if (!Array.isArray(ids) || ids.length === 1 || ids.length > COMPARE_MAX)
        fail(`compareRuns.runIds: none, or 2 to ${COMPARE_MAX} run ids expected`);
      const runIds = ids.map((id, i) => str(id, LIMITS.nameLength, `compareRuns.runIds[${i}]`, ID));
      if (new Set(runIds).size !== runIds.length) fail('compareRuns.runIds: each run once');
      return { type: 'compareRuns', runIds };
    }
    case 'openSweep':
      onlyKeys(raw, ['type', 'sweepId'], 'openSweep');
      return { type: 'openSweep', sweepId: str(raw.sweepId, LIMITS.nameLength, 'openSweep.sweepId', ID) };
    case 'exportPng':
      return exportPng(raw);
    case 'exportRun':
      onlyKeys(raw, ['type', 'format'], 'exportRun');
      if (raw.format !== 'json' && raw.format !== 'csv') fail('exportRun.format: json or csv expected');
      return { type: 'exportRun', format: raw.format };
    case 'reveal':
      onlyKeys(raw, ['type', 'file', 'line'], 'reveal');
      return { type: 'reveal', file: str(raw.file, LIMITS.pathLength, 'reveal.file'), line: int(raw.line, 0, 10_000_000, 'reveal.line') };
    default:
      return fail(`message: unknown type ${typeof raw.type === 'string' ? raw.type.slice(0, 40) : typeof raw.type}`);
  }
}

function exportPng(raw: Record<string, unknown>): { type: 'exportPng'; name: string; dataUrl: string } {
  onlyKeys(raw, ['type', 'name', 'dataUrl'], 'exportPng');
  const name = str(raw.name, 100, 'exportPng.name', EXPORT_NAME);
  if (name.includes('..')) fail('exportPng.name: no ".." allowed');
  return { type: 'exportPng', name, dataUrl: str(raw.dataUrl, LIMITS.pngBytes, 'exportPng.dataUrl', PNG_DATA_URL) };
}

/** The sweep panel's messages (src/protocol/sweep.ts). */
function validateSweep(raw: unknown): FromSweepWebview {
  if (!isRecord(raw)) fail('message: object expected');
  switch (raw.type) {
    case 'ready':
    case 'stop':
      onlyKeys(raw, ['type'], raw.type);
      return { type: raw.type };
    case 'openCell':
      onlyKeys(raw, ['type', 'sweepId', 'index'], 'openCell');
      return {
        type: 'openCell',
        sweepId: str(raw.sweepId, LIMITS.nameLength, 'openCell.sweepId', ID),
        index: int(raw.index, 0, SWEEP_FIELD.maxCells - 1, 'openCell.index'),
      };
    case 'openSweep':
      onlyKeys(raw, ['type', 'sweepId'], 'openSweep');
      return { type: 'openSweep', sweepId: str(raw.sweepId, LIMITS.nameLength, 'openSweep.sweepId', ID) };
    case 'exportSweep':
      onlyKeys(raw, ['type', 'format'], 'exportSweep');
      if (raw.format !== 'json' && raw.format !== 'csv') fail('exportSweep.format: json or csv expected');
      return { type: 'exportSweep', format: raw.format };
    case 'exportPng':
      return exportPng(raw);
    default:
      return fail(`message: unknown type ${typeof raw.type === 'string' ? raw.type.slice(0, 40) : typeof raw.type}`);
  }
}

/** Validates a message from the sweep panel; undefined when anything is off (as `parseFromWebview`). */
export function parseFromSweepWebview(raw: unknown): FromSweepWebview | undefined {
  try {
    return validateSweep(raw);
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
}

/** Why `parseFromSweepWebview` refuses `raw`; undefined when it is accepted. */
export function explainSweepRejection(raw: unknown): string | undefined {
  try {
    validateSweep(raw);
    return undefined;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}

/**
 * Validates a message from a webview. Returns the typed message, or undefined when anything is
 * off (wrong type, unknown field, non-finite or out-of-range number, over-long string).
 */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  try {
    return validate(raw);
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
}

/** Why `parseFromWebview` refuses `raw` (for the host's log); undefined when it is accepted. */
export function explainRejection(raw: unknown): string | undefined {
  try {
    validate(raw);
    return undefined;
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
}
