/**
 * node dist/bench/heap-by-constructor.js <file.heapsnapshot> [sessions] — where a heap snapshot's
 * memory is, by constructor (object nodes by class name; strings, arrays, closures, code by kind):
 * count and self size, largest first, and per session when the number of live sessions is given.
 * Self sizes only: a Map's entries are counted under "system / Map internals", not under the Map.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const [file, sessionsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: heap-by-constructor <file.heapsnapshot> [sessions]');
const sessions = Number(sessionsArg ?? NaN);
const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snapshot.snapshot.meta.node_fields;
const types = snapshot.snapshot.meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));

const groups = new Map<string, { count: number; bytes: number }>();
let total = 0;
for (let i = 0; i < snapshot.nodes.length; i += width) {
  const type = types[snapshot.nodes[i + typeAt!]!]!;
  const name = snapshot.strings[snapshot.nodes[i + nameAt!]!]!;
  const bytes = snapshot.nodes[i + sizeAt!]!;
  const key = type === 'object' || type === 'native' ? `${type}: ${name.slice(0, 60)}` : `(${type})`;
  const group = groups.get(key) ?? { count: 0, bytes: 0 };
  group.count++;
  group.bytes += bytes;
  groups.set(key, group);
  total += bytes;
}

const rows = [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 40);
console.log(`total self size ${(total / 1024 / 1024).toFixed(1)} MiB in ${snapshot.nodes.length / width} nodes`);
console.log(
  `${'constructor'.padEnd(70)} ${'count'.padStart(9)} ${'KiB'.padStart(9)}${sessions ? '  B/session  count/session' : ''}`,
);
for (const [key, { count, bytes }] of rows) {
  const perSession = sessions
    ? `  ${(bytes / sessions).toFixed(0).padStart(9)}  ${(count / sessions).toFixed(1).padStart(13)}`
    : '';
  console.log(`${key.padEnd(70)} ${String(count).padStart(9)} ${(bytes / 1024).toFixed(0).padStart(9)}${perSession}`);
}
