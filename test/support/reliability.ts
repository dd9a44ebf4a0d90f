import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes';

const FILE = path.join(ROOT, 'docs', 'RELIABILITY.md');

/**
 * Prints a resilience test's figures, and with RECORD_RELIABILITY=1 also writes them into
 * docs/RELIABILITY.md between `<!-- name:start -->` and `<!-- name:end -->` (a recorded run).
 */
export async function reportFigures(name: string, markdown: string): Promise<void> {
  console.log(`${name}\n${markdown}`);
  if (process.env.RECORD_RELIABILITY !== '1') return;
  const text = await fs.readFile(FILE, 'utf8').catch(() => '# Reliability\n');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  await fs.writeFile(FILE, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`);
}
