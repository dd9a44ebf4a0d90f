import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The top-level folders of apps/api/src import one way (docs/architecture.md draws the layers): a
 * file may import from its own folder and from folders below it, never from one above. An import
 * that closes a loop between folders fails here, with the file → file imports that make the loop.
 */

const SRC = __dirname;

/** One relative import: `from` imports `to` (paths relative to apps/api/src, with `.ts`). */
export interface FileEdge {
  from: string;
  to: string;
}

/** A loop of folders: each step names the folders and the imports that make it. */
export type FolderCycle = { from: string; to: string; files: FileEdge[] }[];

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Every relative import between the non-test TypeScript files under `root`. */
export function importEdges(root: string): FileEdge[] {
  return sourceFiles(root).flatMap((file) => {
    const from = path.relative(root, file);
    return [...readFileSync(file, 'utf8').matchAll(IMPORT)].flatMap((match) => {
      const to = path.relative(root, path.resolve(path.dirname(file), match[1]!)).replace(/\.js$/, '.ts');
      return to.startsWith('..') ? [] : [{ from, to }];
    });
  });
}

/** The top-level folder of a file (`.` for the files at the root). */
export function folderOf(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.length > 1 ? parts[0]! : '.';
}

/**
 * The loops in the folder graph that `edges` make: for each strongly connected group of folders,
 * one shortest loop through it (cut it and run again to see the next).
 */
export function folderCycles(edges: FileEdge[]): FolderCycle[] {
  const files = new Map<string, FileEdge[]>();
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    const a = folderOf(edge.from);
    const b = folderOf(edge.to);
    if (a === b) continue;
    const key = `${a}\0${b}`;
    files.set(key, [...(files.get(key) ?? []), edge]);
    next.set(a, (next.get(a) ?? new Set()).add(b));
  }

  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);

  return groups.map((group) => {
    const members = new Set(group);
    const start = [...group].sort()[0]!;
    // Breadth first from `start` inside the group, back to `start`: the shortest loop through it.
    const previous = new Map<string, string>();
    const queue = [start];
    let last: string | null = null;
    while (queue.length > 0 && last === null) {
      const v = queue.shift()!;
      for (const w of [...(next.get(v) ?? [])].sort()) {
        if (!members.has(w)) continue;
        if (w === start) {
          last = v;
          break;
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    const loop = [start];
    for (let v = last!; v !== start; v = previous.get(v)!) loop.splice(1, 0, v);
    return loop.map((from, i) => {
      const to = loop[(i + 1) % loop.length]!;
      return { from, to, files: files.get(`${from}\0${to}`)! };
    });
  });
}

export function describeCycles(cycles: FolderCycle[]): string {
  return cycles
    .map((cycle) =>
      [
        `import cycle: ${[...cycle.map((step) => step.from), cycle[0]!.from].join(' → ')}`,
        ...cycle.flatMap((step) => [
          `  ${step.from} → ${step.to}:`,
          ...step.files.map((edge) => `    ${edge.from} → ${edge.to}`),
        ]),
      ].join('\n'),
    )
    .join('\n\n');
}

describe('folder imports of apps/api/src', () => {
  it('run one way: no folder imports, through others, a folder that imports it', () => {
    const edges = importEdges(SRC);
    expect(edges.length).toBeGreaterThan(100);
    expect(describeCycles(folderCycles(edges))).toBe('');
  });

  it('the check reports a loop of folders with the imports that make it', () => {
    const edges: FileEdge[] = [
      { from: 'a/one.ts', to: 'b/two.ts' },
      { from: 'b/two.ts', to: 'b/three.ts' },
      { from: 'b/three.ts', to: 'c/four.ts' },
      { from: 'c/four.ts', to: 'a/five.ts' },
      { from: 'c/four.ts', to: 'd/six.ts' },
      { from: 'main.ts', to: 'a/one.ts' },
    ];
    expect(describeCycles(folderCycles(edges))).toBe(
      [
        'import cycle: a → b → c → a',
        '  a → b:',
        '    a/one.ts → b/two.ts',
        '  b → c:',
        '    b/three.ts → c/four.ts',
        '  c → a:',
        '    c/four.ts → a/five.ts',
      ].join('\n'),
    );
    expect(folderCycles(edges.filter((edge) => edge.to !== 'a/five.ts'))).toEqual([]);
  });

  it('finds each loop when there are several, and a loop of two folders', () => {
    const edges: FileEdge[] = [
      { from: 'a/x.ts', to: 'b/x.ts' },
      { from: 'b/y.ts', to: 'a/y.ts' },
      { from: 'c/x.ts', to: 'd/x.ts' },
      { from: 'd/x.ts', to: 'e/x.ts' },
      { from: 'e/x.ts', to: 'c/y.ts' },
      { from: 'a/x.ts', to: 'c/x.ts' },
    ];
    const loops = folderCycles(edges).map((cycle) => cycle.map((step) => step.from).join(' → '));
    expect(loops.sort()).toEqual(['a → b', 'c → d → e']);
  });

  it('reads relative imports of every kind, resolved from the importing file', () => {
    const edges = importEdges(SRC);
    expect(edges).toContainEqual({ from: 'main.ts', to: 'bootstrap/create-app.ts' });
    expect(edges.some((edge) => edge.from.endsWith('.spec.ts'))).toBe(false);
  });
});
