/**
 * Reads exported object literals (`<name>Options`) of a user's `.ts` file without running it:
 * their JSON-able value and the line of every value inside, for display and for messages that
 * point at a bad value's line. Also the syntax helpers discover.ts shares (script kind,
 * modifiers, unwrapping casts).
 */
import ts from 'typescript';

/**
 * A JSON-able value read from an exported object literal (`<name>Options`) without running
 * code: literals, unary minus, arrays and objects; other expressions are left out. The host
 * uses this for display only; runs read the real options from the loaded module.
 */
export function readStaticExport(sourceText: string, fileName: string, exportName: string): unknown {
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st) || !hasModifier(st, ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === exportName && d.initializer) {
        return staticValue(d.initializer);
      }
    }
  }
  return undefined;
}

/**
 * Lines (0-based) of an exported object literal and of everything inside it, by path:
 * `fOptions` (the declaration), `fOptions.defaults`, `fOptions.defaults.stages[1].lr`, … Found
 * statically, for messages that point at the line of a bad value in `<name>Options`. Also
 * follows `const fOptions = …; export { fOptions }`.
 */
export function staticExportLines(sourceText: string, fileName: string, exportName: string): Map<string, number> {
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const lines = new Map<string, number>();
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
  const walk = (e: ts.Expression, path: string, depth: number): void => {
    const u = unwrap(e);
    if (depth > 8) return;
    if (ts.isObjectLiteralExpression(u)) {
      for (const p of u.properties) {
        if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p) && !ts.isMethodDeclaration(p)) continue;
        const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : undefined;
        if (key === undefined) continue;
        lines.set(`${path}.${key}`, lineOf(p));
        if (ts.isPropertyAssignment(p)) walk(p.initializer, `${path}.${key}`, depth + 1);
      }
    } else if (ts.isArrayLiteralExpression(u)) {
      u.elements.forEach((el, i) => {
        lines.set(`${path}[${i}]`, lineOf(el));
        walk(el, `${path}[${i}]`, depth + 1);
      });
    }
  };
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== exportName) continue;
      lines.set(exportName, lineOf(st));
      if (d.initializer) walk(d.initializer, exportName, 0);
    }
  }
  return lines;
}

export function scriptKind(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs')) return ts.ScriptKind.JS;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.TS;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods?.some((m) => m.kind === kind);
}

/** Strips parentheses, `as`, `satisfies`, `!` and `<T>` casts. */
export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(e) ||
      ts.isAsExpression(e) ||
      ts.isSatisfiesExpression(e) ||
      ts.isNonNullExpression(e) ||
      ts.isTypeAssertionExpression(e)
    ) {
      e = e.expression;
    } else return e;
  }
}

const OMIT = Symbol('omit');

export function staticValue(e0: ts.Expression): unknown {
  const v = evalStatic(e0);
  return v === OMIT ? undefined : v;
}

function evalStatic(e0: ts.Expression): unknown {
  const e = unwrap(e0);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (e.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(e) && (e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.PlusToken)) {
    const v = evalStatic(e.operand);
    if (typeof v !== 'number') return OMIT;
    return e.operator === ts.SyntaxKind.MinusToken ? -v : v;
  }
  if (ts.isArrayLiteralExpression(e)) {
    const arr: unknown[] = [];
    for (const el of e.elements) {
      const v = evalStatic(el);
      if (v === OMIT) return OMIT;
      arr.push(v);
    }
    return arr;
  }
  if (ts.isObjectLiteralExpression(e)) {
    const obj: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : undefined;
      if (key === undefined || key === '__proto__') continue;
      const v = evalStatic(p.initializer);
      if (v !== OMIT) obj[key] = v;
    }
    return obj;
  }
  return OMIT;
}
