/**
 * The options a command line gives Node itself, from its `node` word to the script:
 * `npm run build && node --max-semi-space-size=32 dist/main.js` → `['--max-semi-space-size=32']`.
 * Read by the benchmarks (to run the service as `npm run start:prod` does) and by the test that
 * keeps `start:prod`, `npm start` and the image's command the same.
 */
export function nodeArgsOf(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`not a node command: ${command}`);
  const rest = words.slice(node + 1);
  const script = rest.findIndex((word) => !word.startsWith('-'));
  return script < 0 ? rest : rest.slice(0, script);
}
