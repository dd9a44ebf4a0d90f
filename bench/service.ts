import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { EmbeddedDatabase } from '../apps/api/src/database/embedded.js';
import { ROOT, spawnUntil, stop } from './support.js';

const ADMIN_PASSWORD = 'bench-admin-password';

/** A database for a benchmark run: a scratch database on DATABASE_URL, or an embedded server. */
export async function benchDatabase(): Promise<{ url: string; close: () => Promise<void>; kind: string }> {
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: 'PostgreSQL at DATABASE_URL',
      close: async () => {
        const client = new pg.Client({ connectionString: server });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-bench-db-'));
  await fs.chmod(dir, 0o755);
  const embedded = new EmbeddedDatabase(dir);
  return {
    url: await embedded.start(),
    kind: 'embedded PostgreSQL 15',
    close: async () => {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startService(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-bench-app-'));
  const { child, match } = await spawnUntil(
    path.join(ROOT, 'dist/apps/api/src/main.js'),
    {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      PRINT_LISTENING_PORT: '1',
      ADMIN_PASSWORD,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    /LISTENING (\d+)/,
    // As `npm run start:prod` runs it; BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles it.
    ['--max-semi-space-size=32', ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
  );
  return {
    url: `http://127.0.0.1:${match[1]}`,
    child,
    stop: async () => {
      await stop(child);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function call<T>(url: string, token: string | null, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/api/v1${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** One site, a nurse, `count` devices each bound to an open session; returns the device tokens and session ids. */
export async function provisionChairs(
  url: string,
  count: number,
): Promise<{ tokens: string[]; sessionIds: string[]; nurseToken: string; siteId: string }> {
  const { accessToken: admin } = await call<{ accessToken: string }>(url, null, 'POST', '/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  const site = await call<{ id: string }>(url, admin, 'POST', '/sites', {
    name: `Bench ${randomBytes(3).toString('hex')}`,
  });
  const username = `bench.nurse.${randomBytes(3).toString('hex')}`;
  await call(url, admin, 'POST', '/users', {
    username,
    displayName: 'Bench Nurse',
    role: 'nurse',
    password: 'bench-nurse-password',
    siteIds: [site.id],
  });
  const { accessToken: nurse } = await call<{ accessToken: string }>(url, null, 'POST', '/auth/login', {
    username,
    password: 'bench-nurse-password',
  });
  const protocols = await call<{ id: string; key: string }[]>(url, admin, 'GET', '/protocols');
  const protocolId = protocols.find((p) => p.key === 'iv-ketamine')!.id;
  const tokens: string[] = [];
  const sessionIds: string[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, count - i) }, async (_, j) => {
        const device = await call<{ id: string; token: string }>(url, admin, 'POST', '/devices', {
          siteId: site.id,
          name: `Chair ${i + j + 1}`,
        });
        const session = await call<{ id: string }>(url, nurse, 'POST', '/sessions', {
          siteId: site.id,
          patientRef: `BENCH-${i + j + 1}`,
          chair: `Chair ${i + j + 1}`,
          deviceId: device.id,
          protocolId,
          weightKg: 70,
          plannedDoseMgPerKg: 0.5,
          seriesNumber: 1,
          consent: { obtainedAt: new Date().toISOString(), witnessedBy: 'Bench' },
        });
        return { token: device.token, sessionId: session.id };
      }),
    );
    for (const { token, sessionId } of batch) {
      tokens.push(token);
      sessionIds.push(sessionId);
    }
  }
  return { tokens, sessionIds, nurseToken: nurse, siteId: site.id };
}
