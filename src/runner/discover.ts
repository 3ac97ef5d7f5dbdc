/**
 * Finds the candidate losses of a user's `.ts` file without running it: a syntactic walk with
 * the TypeScript compiler API (no type checker, no file system), so it is cheap enough for a
 * CodeLens provider and safe in an untrusted workspace.
 *
 * The loss-file format:
 * - Every exported function is a candidate loss. A function of k parameters typed `number`
 *   is k-dimensional (`argStyle: 'scalars'`). A function of one parameter typed `number[]`,
 *   `readonly number[]`, `Array<number>`, `ReadonlyArray<number>`, `Float64Array`,
 *   `ArrayLike<number>` or a tuple `[number, …]` takes the point as an array (`argStyle:
 *   'array'`); its dimension is the tuple length, else `<name>Options.dim` (or the length of
 *   `xStar` / `domain.low` there), else the run settings (`dim: null` here).
 * - Unannotated parameters count as `number`, except a single one that the body indexes
 *   (`x[i]`, `x.length`, `for (… of x)`, `...x`), which is an array.
 * - Local type aliases of these types are followed (`type Vec = number[]`), as is a variable's
 *   function-type annotation (`export const f: (x: number) => number = (x) => …`).
 * - Forms: `export function f`, `export const f = (…) => …` / `function (…) {…}`,
 *   `export { a, b as c }` of local functions, `export default function` (name `default`).
 *   Re-exports from other modules (`export … from '…'`) are not followed.
 * - A finite-sum loss f(w) = (1/n) Σᵢ ℓ(w, eᵢ): the file's `<name>Options` literal has a `data`
 *   key (the examples), and the function takes the example as a trailing parameter of any type;
 *   the parameters before it follow the rules above. n is the length of an array literal there,
 *   else known only once the file runs (`examples.n: null`).
 * - `<name>Options` exports are metadata, never losses; so are non-functions, async functions,
 *   generators, `declare`d functions, functions with no parameters, rest parameters, or
 *   parameters of other types.
 */
import ts from 'typescript';
import type { ArgStyle } from '../protocol/worker';
import { hasModifier, scriptKind, staticValue, unwrap } from './staticExport';

export { readStaticExport, staticExportLines } from './staticExport';

export interface DiscoveredLoss {
  /** Export name (`default` for the default export). */
  name: string;
  /** 0-based line of the declaration's first token (after comments). */
  line: number;
  character: number;
  /** 0-based line of the declaration's last token. */
  endLine: number;
  argStyle: ArgStyle;
  /** k for k scalar parameters or a k-tuple; `<name>Options.dim` when static; else null (from settings). */
  dim: number | null;
  params: string[];
  /** The file also exports `<name>Options`. */
  hasOptions: boolean;
  /**
   * A finite-sum loss (`<name>Options.data` is given): the trailing example parameter (not in
   * `params`) and n when the data is an array literal (null: counted when the file runs).
   */
  examples?: { param: string; n: number | null };
}

/**
 * How a loss reads in the CodeLens, the quick pick and `sgd-landscape list`: its dimension and,
 * for a finite sum, n: "2-D", "array, dim from settings", "finite sum, n = 200, d = 2".
 */
export function lossShapeText(l: Pick<DiscoveredLoss, 'argStyle' | 'dim' | 'examples'>): string {
  const d = l.dim !== null ? `${l.dim}` : 'from settings';
  if (l.examples) return `finite sum, n = ${l.examples.n ?? 'from the data'}, d = ${d}${l.argStyle === 'array' ? ' (array)' : ''}`;
  if (l.dim === null) return 'array, dim from settings';
  return `${l.dim}-D${l.argStyle === 'array' ? ' (array)' : ''}`;
}

type FnNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

interface LocalFn {
  fn: FnNode;
  /** Function type to read parameter types from when the function's own are missing. */
  typeAnnotation?: ts.FunctionTypeNode;
  /** The statement to report positions for. */
  decl: ts.Node;
}

const ARRAY_NAMES = new Set(['Array', 'ReadonlyArray', 'ArrayLike']);

export function discoverLosses(sourceText: string, fileName: string): DiscoveredLoss[] {
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const aliases = collectTypeAliases(sf);
  const locals = new Map<string, LocalFn>();
  const localObjects = new Map<string, ts.Expression>();
  const exported: Array<{ name: string; local: LocalFn }> = [];
  const exportedObjects = new Map<string, ts.Expression>();
  const exportNames = new Set<string>();
  const pendingExports: Array<{ exportName: string; localName: string }> = [];

  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st)) {
      const isExport = hasModifier(st, ts.SyntaxKind.ExportKeyword);
      const isDefault = hasModifier(st, ts.SyntaxKind.DefaultKeyword);
      const local: LocalFn = { fn: st, decl: st };
      if (st.name) {
        // Overloads: keep the implementation (the one with a body), else the first signature.
        const prev = locals.get(st.name.text);
        if (!prev || (!prev.fn.body && st.body)) locals.set(st.name.text, local);
      }
      if (isExport) {
        const name = isDefault ? 'default' : st.name?.text;
        if (name) {
          exportNames.add(name);
          const idx = exported.findIndex((e) => e.name === name);
          if (idx < 0) exported.push({ name, local });
          else if (!exported[idx].local.fn.body && st.body) exported[idx] = { name, local };
        }
      }
    } else if (ts.isVariableStatement(st)) {
      const isExport = hasModifier(st, ts.SyntaxKind.ExportKeyword);
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const name = d.name.text;
        if (isExport) exportNames.add(name);
        const init = d.initializer ? unwrap(d.initializer) : undefined;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          const local: LocalFn = { fn: init, decl: st, typeAnnotation: functionType(d.type, aliases) };
          locals.set(name, local);
          if (isExport) exported.push({ name, local });
        } else if (init) {
          localObjects.set(name, init);
          if (isExport) exportedObjects.set(name, init);
        }
      }
    } else if (ts.isExportDeclaration(st)) {
      if (st.moduleSpecifier || st.isTypeOnly || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
      for (const el of st.exportClause.elements) {
        if (el.isTypeOnly) continue;
        const localName = (el.propertyName ?? el.name).text;
        const exportName = el.name.text;
        exportNames.add(exportName);
        pendingExports.push({ exportName, localName });
      }
    } else if (ts.isExportAssignment(st) && !st.isExportEquals) {
      const expr = unwrap(st.expression);
      exportNames.add('default');
      if (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)) {
        exported.push({ name: 'default', local: { fn: expr, decl: st } });
      } else if (ts.isIdentifier(expr)) {
        pendingExports.push({ exportName: 'default', localName: expr.text });
      }
    }
  }
  // `export { a as b }` may precede the declaration of `a`; resolve after the walk.
  for (const { exportName, localName } of pendingExports) {
    const local = locals.get(localName);
    if (local) exported.push({ name: exportName, local });
    else {
      const obj = localObjects.get(localName);
      if (obj) exportedObjects.set(exportName, obj);
    }
  }

  const out: DiscoveredLoss[] = [];
  const seen = new Set<string>();
  for (const { name, local } of exported) {
    if (seen.has(name) || name.endsWith('Options')) continue;
    const optionsName = `${name}Options`;
    const hasOptions = exportNames.has(optionsName);
    const opts = hasOptions ? exportedObjects.get(optionsName) : undefined;
    const data = opts ? staticProperty(opts, 'data') : undefined;
    const ps = local.fn.parameters;
    // A finite sum: the last parameter is the example, the others the point.
    const shape = data && ps.length >= 2 ? lossShape(local, aliases, ps.length - 1) : lossShape(local, aliases);
    if (!shape) continue;
    seen.add(name);
    let dim = shape.dim;
    if (dim === null && opts) dim = staticDim(opts);
    const start = local.decl.getStart(sf);
    const pos = sf.getLineAndCharacterOfPosition(start);
    out.push({
      name,
      line: pos.line,
      character: pos.character,
      endLine: sf.getLineAndCharacterOfPosition(local.decl.getEnd()).line,
      argStyle: shape.argStyle,
      dim,
      params: shape.params,
      hasOptions,
      ...(data && ps.length >= 2 ? { examples: { param: paramName(ps[ps.length - 1]), n: staticLength(data) } } : {}),
    });
  }
  out.sort((a, b) => a.line - b.line || a.character - b.character);
  return out;
}

/** The loss whose declaration spans `line` (0-based); the innermost when they nest. */
export function lossAtLine(losses: readonly DiscoveredLoss[], line: number): DiscoveredLoss | undefined {
  let best: DiscoveredLoss | undefined;
  for (const l of losses) {
    if (line < l.line || line > l.endLine) continue;
    if (!best || l.endLine - l.line < best.endLine - best.line) best = l;
  }
  return best;
}

/** Losses for a quick pick: the one under the cursor first, the rest in file order. */
export function orderByCursor(losses: readonly DiscoveredLoss[], line: number | undefined): DiscoveredLoss[] {
  const here = line === undefined ? undefined : lossAtLine(losses, line);
  if (!here) return [...losses];
  return [here, ...losses.filter((l) => l !== here)];
}

// ---------------------------------------------------------------------------------------------

function collectTypeAliases(sf: ts.SourceFile): Map<string, ts.TypeNode> {
  const m = new Map<string, ts.TypeNode>();
  for (const st of sf.statements) {
    if (ts.isTypeAliasDeclaration(st) && !st.typeParameters) m.set(st.name.text, st.type);
  }
  return m;
}

function resolveAlias(t: ts.TypeNode | undefined, aliases: Map<string, ts.TypeNode>): ts.TypeNode | undefined {
  for (let i = 0; t && i < 10; i++) {
    if (ts.isParenthesizedTypeNode(t)) t = t.type;
    else if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) && !t.typeArguments && aliases.has(t.typeName.text)) {
      t = aliases.get(t.typeName.text);
    } else return t;
  }
  return t;
}

function functionType(t: ts.TypeNode | undefined, aliases: Map<string, ts.TypeNode>): ts.FunctionTypeNode | undefined {
  const r = resolveAlias(t, aliases);
  return r && ts.isFunctionTypeNode(r) ? r : undefined;
}

type ParamKind = { kind: 'number' } | { kind: 'array'; dim: number | null } | { kind: 'other' };

function classifyType(t: ts.TypeNode | undefined, aliases: Map<string, ts.TypeNode>): ParamKind | undefined {
  const r = resolveAlias(t, aliases);
  if (!r) return undefined;
  if (r.kind === ts.SyntaxKind.NumberKeyword) return { kind: 'number' };
  if (ts.isTypeOperatorNode(r) && r.operator === ts.SyntaxKind.ReadonlyKeyword) return classifyType(r.type, aliases);
  if (ts.isArrayTypeNode(r)) return isNumber(r.elementType, aliases) ? { kind: 'array', dim: null } : { kind: 'other' };
  if (ts.isTupleTypeNode(r)) {
    const ok =
      r.elements.length > 0 &&
      r.elements.every(
        (e) => !ts.isRestTypeNode(e) && !ts.isOptionalTypeNode(e) && isNumber(ts.isNamedTupleMember(e) ? e.type : e, aliases),
      );
    return ok ? { kind: 'array', dim: r.elements.length } : { kind: 'other' };
  }
  if (ts.isTypeReferenceNode(r) && ts.isIdentifier(r.typeName)) {
    const n = r.typeName.text;
    if (n === 'Float64Array' && !r.typeArguments) return { kind: 'array', dim: null };
    if (ARRAY_NAMES.has(n) && r.typeArguments?.length === 1 && isNumber(r.typeArguments[0], aliases)) return { kind: 'array', dim: null };
  }
  return { kind: 'other' };
}

function isNumber(t: ts.TypeNode, aliases: Map<string, ts.TypeNode>): boolean {
  return classifyType(t, aliases)?.kind === 'number';
}

function paramName(p: ts.ParameterDeclaration): string {
  return ts.isIdentifier(p.name) ? p.name.text : p.name.getText();
}

/** The initializer of property `key` of an object literal (a method or shorthand counts too). */
function staticProperty(e: ts.Expression, key: string): ts.Node | undefined {
  const u = unwrap(e);
  if (!ts.isObjectLiteralExpression(u)) return undefined;
  for (const p of u.properties) {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (name !== key) continue;
    if (ts.isPropertyAssignment(p)) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p)) return p;
  }
  return undefined;
}

/** The length of an array literal without spreads, else null. */
function staticLength(n: ts.Node): number | null {
  const u = ts.isExpression(n) ? unwrap(n) : n;
  if (!ts.isArrayLiteralExpression(u) || u.elements.some((el) => ts.isSpreadElement(el) || ts.isOmittedExpression(el))) return null;
  return u.elements.length;
}

/** The loss's shape from its first `count` parameters (all of them unless a trailing example is left out). */
function lossShape(
  local: LocalFn,
  aliases: Map<string, ts.TypeNode>,
  count = local.fn.parameters.length,
): { argStyle: ArgStyle; dim: number | null; params: string[] } | undefined {
  const { fn } = local;
  // A loss returns a number now: async functions and generators return something else.
  if (fn.asteriskToken || hasModifier(fn, ts.SyntaxKind.AsyncKeyword) || hasModifier(fn, ts.SyntaxKind.DeclareKeyword)) return undefined;
  const ps = fn.parameters.slice(0, count);
  if (ps.length === 0) return undefined;
  const params: string[] = [];
  const kinds: Array<ParamKind | undefined> = [];
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    if (p.dotDotDotToken) return undefined;
    if (ts.isIdentifier(p.name) && p.name.text === 'this') return undefined;
    params.push(ts.isIdentifier(p.name) ? p.name.text : p.name.getText());
    const annotated = p.type ?? local.typeAnnotation?.parameters[i]?.type;
    kinds.push(classifyType(annotated, aliases));
  }
  if (kinds.some((k) => k?.kind === 'other')) return undefined;
  if (ps.length === 1) {
    const k = kinds[0];
    if (k?.kind === 'array') return { argStyle: 'array', dim: k.dim, params };
    if (k?.kind === 'number') return { argStyle: 'scalars', dim: 1, params };
    // Unannotated single parameter: an array when the body treats it as one.
    const p = ps[0];
    if (ts.isArrayBindingPattern(p.name)) return { argStyle: 'array', dim: p.name.elements.length || null, params };
    if (!ts.isIdentifier(p.name)) return undefined;
    return usedAsArray(fn, p.name.text) ? { argStyle: 'array', dim: null, params } : { argStyle: 'scalars', dim: 1, params };
  }
  if (kinds.some((k) => k?.kind === 'array')) return undefined;
  if (ps.some((p) => !ts.isIdentifier(p.name))) return undefined;
  return { argStyle: 'scalars', dim: ps.length, params };
}

function usedAsArray(fn: FnNode, name: string): boolean {
  let found = false;
  const isName = (e: ts.Node) => ts.isIdentifier(e) && e.text === name;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isElementAccessExpression(n) && isName(n.expression)) found = true;
    else if (ts.isPropertyAccessExpression(n) && isName(n.expression) && ['length', 'map', 'reduce', 'forEach'].includes(n.name.text))
      found = true;
    else if (ts.isForOfStatement(n) && isName(n.expression)) found = true;
    else if (ts.isSpreadElement(n) && isName(n.expression)) found = true;
    else if (ts.isVariableDeclaration(n) && ts.isArrayBindingPattern(n.name) && n.initializer && isName(n.initializer)) found = true;
    if (!found) ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

/** `dim`, else the length of `xStar`, else of `domain.low`, from a static options literal. */
function staticDim(e: ts.Expression): number | null {
  const v = staticValue(e) as { dim?: unknown; xStar?: unknown; domain?: { low?: unknown } } | undefined;
  if (!v || typeof v !== 'object') return null;
  if (typeof v.dim === 'number' && Number.isInteger(v.dim) && v.dim > 0) return v.dim;
  if (Array.isArray(v.xStar) && v.xStar.length > 0) return v.xStar.length;
  if (v.domain && typeof v.domain === 'object' && Array.isArray(v.domain.low) && v.domain.low.length > 0) return v.domain.low.length;
  return null;
}
