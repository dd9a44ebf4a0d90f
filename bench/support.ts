import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { nodeArgsOf } from './node-args.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The service's V8 settings, read from `npm run start:prod` (which the image's command repeats), so a
 * benchmark runs the service as production does: a 32 MiB semi-space (ingest throughput) and a bound
 * on how far the heap grows past the live objects before a full collection (memory per session).
 */
export const SERVICE_NODE_ARGS = nodeArgsOf(
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
    'start:prod'
  ]!,
);
export const SERVICE_COMMAND = `node ${SERVICE_NODE_ARGS.join(' ')} dist/apps/api/src/main.js`;

export const BENCHMARKS_FILE = path.join(ROOT, 'docs', 'BENCHMARKS.md');
export const RELIABILITY_FILE = path.join(ROOT, 'docs', 'RELIABILITY.md');

export function spawnUntil(
  script: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  nodeArgs: string[] = [],
  timeoutMs = 120_000,
) {
  return new Promise<{ child: ChildProcess; match: RegExpExecArray }>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} not ready:\n${out}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}):\n${out}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

const HEADINGS: Record<string, string> = {
  [BENCHMARKS_FILE]:
    '# Benchmarks\n\nWritten by `npm run bench` (each section by its own script). Numbers are from the machine named in each section.\n',
  [RELIABILITY_FILE]: '# Reliability\n',
};

/**
 * Replaces the section between `<!-- name:start -->` and `<!-- name:end -->` in `file` (default
 * docs/BENCHMARKS.md), or appends it; a missing file is created with its heading. The file is then
 * formatted with Prettier.
 */
export async function writeSection(name: string, body: string, file = BENCHMARKS_FILE): Promise<void> {
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    text = HEADINGS[file] ?? `# ${path.basename(file, '.md')}\n`;
  }
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  text = pattern.test(text) ? text.replace(pattern, () => section) : `${text.trimEnd()}\n\n${section}\n`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, await formatted(text, file));
}

/** The Markdown as Prettier (a dev dependency) formats it, so `prettier --check docs` passes; as is without it. */
async function formatted(text: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  } catch {
    return text;
  }
}

/** The value at percentile `p` (0–100) of ascending `sorted` values; NaN when there are none. */
export const percentile = (sorted: ArrayLike<number>, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * A socket.io connection as a monitor (`/devices`, ready at its `resume`) or a ward screen (`/ward`,
 * ready once connected) opens it; rejects with the handshake error.
 */
export function openSocket(url: string, namespace: '/devices' | '/ward', token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${namespace}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.once(namespace === '/devices' ? 'resume' : 'connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** A whole number with thousands separators: 12,345. */
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
/** Milliseconds for a table: one decimal under 10, else whole; '–' when unknown. */
export const ms = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : n.toFixed(0)) : '–');
export const mib = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(0)} MiB` : 'n/a');
export const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));
