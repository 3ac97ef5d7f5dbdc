/**
 * Whatever goes wrong in a worker, as a `FailureDetail` that names the function, the user's file
 * and line (the first stack frame in the user's code, after source mapping), and the input: a
 * load error, the module's top level throwing or rejecting, a loss or gradient call that threw or
 * returned a wrong value, a late error outside any call; anything else is an internal error.
 */
import { CancelledError, LossError } from '../engine/sgd';
import type { FailureDetail, LossRef } from '../protocol/worker';
import { CallError, ExitCalled } from './guard';
import { UnsafePathError } from './privateDir';

/** Thrown for problems with the module itself (missing export, wrong return type). */
export class LoadError extends Error {
  constructor(
    message: string,
    readonly kind: 'load' | 'invalid' = 'load',
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** The module's top level threw, rejected a promise, or called process.exit while loading. */
export class TopLevelError extends Error {
  constructor(
    readonly inner: unknown,
    readonly how: 'threw' | 'rejected',
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
    this.name = 'TopLevelError';
  }
}

/** First stack frame in the user's code: the user's source after mapping. */
function userFrame(stack: string | undefined, ref: LossRef): { file: string; line: number; column: number } | undefined {
  if (!stack) return undefined;
  const frames = stack.split('\n').slice(1);
  // "at fn (/abs/file.ts:3:9)" or "at /abs/file.ts:3:9": the path starts right after "(" or "at ".
  const parsed = frames
    .map((l) => /^\s*at (?:.*\()?((?:\/|[A-Za-z]:\\)[^():]*):(\d+):(\d+)\)?\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ file: m[1], line: Number(m[2]), column: Number(m[3]) }));
  const own = (f: string) =>
    /[\\/]dist[\\/](worker|cli|extension)\.js$/.test(f) || f.includes('/src/runner/') || f.includes('/src/engine/');
  return parsed.find((p) => p.file === ref.sourceFile) ?? parsed.find((p) => !own(p.file) && p.file !== ref.bundlePath);
}

const fmtInput = (input: number[]) => `[${input.map((v) => +v.toPrecision(6)).join(', ')}]`;
const errorText = (e: unknown) => (e instanceof ExitCalled ? e.message : `${e instanceof Error ? e.message : String(e)}`);

/** Any failure in a worker as a FailureDetail that says what, where (file:line) and at which input. */
export function toFailureDetail(e: unknown, ref: LossRef): FailureDetail {
  const base = { exportName: ref.exportName, file: ref.sourceFile };
  if (e instanceof CancelledError) return { kind: 'cancelled', message: 'cancelled', exportName: ref.exportName };
  if (e instanceof LoadError) return { kind: e.kind, message: e.message, ...base };
  if (e instanceof UnsafePathError) return { kind: 'load', message: e.message, ...base };
  if (e instanceof TopLevelError) {
    const inner = e.inner;
    const frame = userFrame(inner instanceof Error ? inner.stack : undefined, ref);
    const where = frame ? `${frame.file}:${frame.line}` : ref.sourceFile;
    const what =
      inner instanceof ExitCalled
        ? `its top level ${inner.message}`
        : e.how === 'rejected'
          ? `its top level rejected a promise that nothing handled: ${errorText(inner)}`
          : `its top level threw: ${errorText(inner)}`;
    return {
      kind: 'throw',
      message: `loading ${ref.sourceFile} failed: ${what} (${where})`,
      ...base,
      file: frame?.file ?? ref.sourceFile,
      line: frame?.line,
      column: frame?.column,
      stack: inner instanceof Error ? inner.stack : undefined,
    };
  }
  if (e instanceof LossError) {
    const what = e instanceof CallError ? e.what : 'loss';
    const inner = e.inner;
    const stack = inner instanceof Error ? inner.stack : undefined;
    const frame = userFrame(stack, ref);
    const gradName = `${ref.exportName}Options.gradient`;
    // Without a stack (a wrong value came back), point at the function's declaration.
    const line = frame?.line ?? (what === 'gradient' || what === 'gradient-shape' ? ref.gradientLine : ref.line);
    const file = frame?.file ?? ref.sourceFile;
    const where = line !== undefined ? `${file}:${line}` : file;
    const at = e.input.length ? ` at x = ${fmtInput(e.input)}` : '';
    const got = e instanceof CallError ? e.got : undefined;
    const message =
      what === 'not-a-number'
        ? `${ref.exportName} must return a number;${at} it returned ${got} (${where})`
        : what === 'gradient-shape'
          ? `${gradName} must return an array of ${ref.dim} numbers;${at} it returned ${got} (${where})`
          : `${what === 'gradient' ? gradName : ref.exportName} ${inner instanceof ExitCalled ? inner.message : 'threw'}${at}${inner instanceof ExitCalled ? '' : `: ${errorText(inner)}`} (${where})`;
    return {
      kind: what === 'not-a-number' || what === 'gradient-shape' ? 'invalid' : 'throw',
      message,
      ...base,
      file,
      line,
      column: frame?.column,
      stack,
      input: e.input.length ? e.input : undefined,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'engine', message: `internal error: ${err.message}`, exportName: ref.exportName, stack: err.stack };
}

/** An error of the user's code that happened outside any call (a late rejection, a throwing timer). */
export function asyncFailureDetail(e: unknown, how: 'rejection' | 'exception', ref: LossRef): FailureDetail {
  const frame = userFrame(e instanceof Error ? e.stack : undefined, ref);
  const where = frame ? `${frame.file}:${frame.line}` : ref.sourceFile;
  const what = how === 'rejection' ? 'a promise rejected and nothing handled it' : 'code outside the loss (a timer or callback) threw';
  return {
    kind: 'throw',
    message: `${ref.sourceFile}: ${what}: ${errorText(e)} (${where})`,
    exportName: ref.exportName,
    file: frame?.file ?? ref.sourceFile,
    line: frame?.line,
    column: frame?.column,
    stack: e instanceof Error ? e.stack : undefined,
  };
}
