import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, exited, spawnUntil } from './processes';

export const ADMIN = { username: 'admin', password: 'bootstrap-secret-for-tests' };
export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

export interface RunningApp {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM and wait: a graceful shutdown. */
  stop: () => Promise<number | null>;
  /** SIGKILL: a crash. */
  kill: () => Promise<void>;
}

/** The services this test file started and has not stopped or killed yet (see `useApp`). */
const running = new Set<RunningApp>();
export const runningApps = (): RunningApp[] => [...running];

/** Starts the built service as its own process, as it runs in production, on a free port. */
export async function startApp(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-app-'));
  const { child, match, output } = await spawnUntil(
    path.join(ROOT, 'dist/apps/api/src/main.js'),
    [],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      PRINT_LISTENING_PORT: '1',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...env,
    },
    /LISTENING (\d+)/,
  );
  const port = Number(match[1]);
  const app: RunningApp = {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output,
    stop: async () => {
      running.delete(app);
      child.kill('SIGTERM');
      const code = await exited(child);
      await fs.rm(dataDir, { recursive: true, force: true });
      return code;
    },
    kill: async () => {
      running.delete(app);
      child.kill('SIGKILL');
      await exited(child);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
  running.add(app);
  return app;
}
