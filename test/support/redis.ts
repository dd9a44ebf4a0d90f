import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { exited, freePort } from './processes';

export interface RunningRedis {
  url: string;
  port: number;
  /** A fresh key prefix, so that tests sharing a Redis never see each other's keys. */
  prefix: string;
  child: ChildProcess;
  kill: () => Promise<void>;
}

/**
 * A throw-away redis-server on a free loopback port, without persistence. Given the `port` and
 * `prefix` of one that was killed, starts it again in its place (empty, as after a crash).
 */
export async function startRedis(again?: { port: number; prefix: string }): Promise<RunningRedis> {
  const port = again?.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited:\n${output}`);
    if (await answers(port)) break;
    if (Date.now() > deadline) throw new Error(`redis-server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    prefix: again?.prefix ?? `im-test-${randomBytes(4).toString('hex')}`,
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.write('PING\r\n');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
    });
    socket.once('error', () => resolve(false));
  });
}
