import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeArgsOf } from '../../../../bench/node-args.js';

/**
 * The service's V8 settings are written in three places that must agree: `npm run start:prod` (which
 * the benchmarks read), `npm start` (the demo) and the image's command. They decide its memory per
 * session and its ingest throughput, so a setting dropped from one of them is a silent regression.
 */
const ROOT = path.resolve(__dirname, '../../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the V8 settings the service runs with', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const production = nodeArgsOf(scripts['start:prod']!);

  it('start:prod bounds the heap growth and sizes the young generation', () => {
    expect(production).toEqual(expect.arrayContaining(['--max-semi-space-size=32', '--heap-growing-percent=100']));
  });

  it('the demo runs with the same settings', () => {
    expect(nodeArgsOf(scripts.start!)).toEqual(production);
  });

  it("the image's command runs with the same settings", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('docker/Dockerfile'));
    expect(cmd).not.toBeNull();
    const words = JSON.parse(cmd![1]!) as string[];
    expect(words[0]).toBe('node');
    expect(nodeArgsOf(words.join(' '))).toEqual(production);
    expect(words.at(-1)).toBe('dist/apps/api/src/main.js');
  });
});
