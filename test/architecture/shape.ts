/**
 * The codebase's shape, measured from the TypeScript syntax tree: the length of every function
 * and class, and the graph of value imports (type-only imports erase at compile time, so they
 * cannot form a load-order cycle). Used by test/architecture/shape.test.ts and by
 * `npm run shape`, which prints the lines per folder and the longest units.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Source folders: the product first, then the tooling (docs/map.md reads them in this order). */
export const PRODUCT = ['statemachine', 'steps', 'infra'];
export const TOOLING = ['local', 'simulate', 'analyze', 'bench', 'cli'];

export interface Unit {
  file: string;
  name: string;
  kind: 'function' | 'class';
  line: number;
  lines: number;
}

export function sourceFiles(dirs: string[] = [...PRODUCT, ...TOOLING]): string[] {
  return dirs.flatMap((dir) =>
    (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir), { recursive: true }) : [])
      .map(String)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => join(dir, f)),
  );
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '(anonymous)';
}

/** Every function (declarations, methods, arrows, constructors) and class with its length in lines. */
export function unitsOf(file: string): Unit[] {
  const sf = parse(file);
  const out: Unit[] = [];
  const visit = (node: ts.Node) => {
    const isFunction =
      ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node);
    const isClass = ts.isClassDeclaration(node) || ts.isClassExpression(node);
    if ((isFunction && (node as ts.FunctionLikeDeclaration).body) || isClass) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({
        file,
        name: nameOf(node, sf),
        kind: isClass ? 'class' : 'function',
        line: start + 1,
        lines: end - start + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Relative value imports of a file (static, dynamic, re-exports), as repository paths without extension. */
export function valueImportsOf(file: string): string[] {
  const sf = parse(file);
  const out: string[] = [];
  const add = (spec: string) => {
    if (!spec.startsWith('.')) return;
    out.push(relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.(ts|js)$/, ''));
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) add(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) add(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The value-import graph over the given files, each node a path without extension. */
export function importGraph(files: string[]): Map<string, string[]> {
  const nodes = new Set(files.map((f) => f.replace(/\.ts$/, '')));
  const withIndex = (p: string) => (nodes.has(p) ? p : nodes.has(`${p}/index`) ? `${p}/index` : p);
  return new Map(
    files.map((f) => [
      f.replace(/\.ts$/, ''),
      valueImportsOf(f)
        .map(withIndex)
        .filter((i) => nodes.has(i)),
    ]),
  );
}

/** Every elementary cycle's first sighting, as "a → b → a" (depth-first, one per back edge). */
export function cyclesOf(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** `npm run shape`: the longest units and the folder sizes, as a table. */
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const units = sourceFiles().flatMap(unitsOf);
  const top = (kind: Unit['kind'], n: number) =>
    units
      .filter((u) => u.kind === kind)
      .sort((a, b) => b.lines - a.lines)
      .slice(0, n)
      .map((u) => `  ${String(u.lines).padStart(4)}  ${u.file}:${u.line}  ${u.name}`);
  const lines = (dir: string) =>
    sourceFiles([dir]).reduce((sum, f) => sum + readFileSync(join(ROOT, f), 'utf8').split('\n').length, 0);
  const report = [
    'lines per folder:',
    ...[...PRODUCT, ...TOOLING].map((d) => `  ${d.padEnd(13)} ${lines(d)}`),
    'longest functions:',
    ...top('function', 12),
    'longest classes:',
    ...top('class', 5),
    `value-import cycles: ${cyclesOf(importGraph(sourceFiles())).length}`,
  ];
  process.stdout.write(`${report.join('\n')}\n`);
}
