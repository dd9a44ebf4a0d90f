import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { EmbeddedDatabase } from '../apps/api/src/database/embedded.js';
import { ROOT, SERVICE_NODE_ARGS, spawnUntil, stop } from './support.js';

const ADMIN_PASSWORD = 'bench-bootstrap-secret';

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

/**
 * Starts the built service on a free port as `npm run start:prod` does. `nodeArgs` go before the
 * script (after `--max-semi-space-size=32`), e.g. `--trace-gc` for a benchmark that reads the heap.
 */
export async function startService(
  databaseUrl: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
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
    [...SERVICE_NODE_ARGS, ...nodeArgs, ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
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

/** Runs `task` over `items` with at most `concurrency` at a time; results in the order of `items`. */
export async function inParallel<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** A site with a nurse, provisioned through the REST API as an admin. */
export interface BenchSite {
  url: string;
  adminToken: string;
  nurseToken: string;
  siteId: string;
  protocolId: string;
}

export async function provisionSite(url: string): Promise<BenchSite> {
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
  return { url, adminToken: admin, nurseToken: nurse, siteId: site.id, protocolId };
}

/**
 * `count` more chairs of the site: a device each, bound to a new open session (phase `baseline`).
 * Chairs are numbered from `first`; `concurrency` chairs are created at a time.
 */
export async function addChairs(
  site: BenchSite,
  count: number,
  { first = 1, concurrency = 25 }: { first?: number; concurrency?: number } = {},
): Promise<{ tokens: string[]; sessionIds: string[] }> {
  const { url, adminToken, nurseToken, siteId, protocolId } = site;
  const chairs = await inParallel(
    Array.from({ length: count }, (_, i) => first + i),
    concurrency,
    async (n) => {
      const device = await call<{ id: string; token: string }>(url, adminToken, 'POST', '/devices', {
        siteId,
        name: `Chair ${n}`,
      });
      const session = await call<{ id: string }>(url, nurseToken, 'POST', '/sessions', {
        siteId,
        patientRef: `BENCH-${n}`,
        chair: `Chair ${n}`,
        deviceId: device.id,
        protocolId,
        weightKg: 70,
        plannedDoseMgPerKg: 0.5,
        seriesNumber: 1,
        consent: { obtainedAt: new Date().toISOString(), witnessedBy: 'Bench' },
      });
      return { token: device.token, sessionId: session.id };
    },
  );
  return { tokens: chairs.map((c) => c.token), sessionIds: chairs.map((c) => c.sessionId) };
}

/**
 * `POST /sessions/:id/infusion-start` as the site's nurse for each session (each needs its baseline:
 * at least 60 s of HR and 2 cuff readings, see `baselineReadings`).
 */
export async function startInfusions(site: BenchSite, sessionIds: string[], concurrency = 20): Promise<void> {
  await inParallel(sessionIds, concurrency, (id) =>
    call(site.url, site.nurseToken, 'POST', `/sessions/${id}/infusion-start`, {}),
  );
}

/**
 * A pre-dose baseline that passes the gate: one reading a second for the `seconds` before `nowMs`
 * (HR 72, SpO2 98), a cuff reading of 120/80 every 30 s; seq from `firstSeq`.
 */
export function baselineReadings(nowMs: number, firstSeq: number, seconds = 61) {
  return Array.from({ length: seconds }, (_, i) => ({
    seq: firstSeq + i,
    recordedAt: new Date(nowMs - (seconds - i) * 1000).toISOString(),
    hr: 72,
    spo2: 98,
    ...(i % 30 === 0 ? { sbp: 120, dbp: 80 } : {}),
  }));
}

/** One site, a nurse, `count` devices each bound to an open session; returns the device tokens and session ids. */
export async function provisionChairs(
  url: string,
  count: number,
): Promise<{ tokens: string[]; sessionIds: string[]; nurseToken: string; siteId: string }> {
  const site = await provisionSite(url);
  const { tokens, sessionIds } = await addChairs(site, count);
  return { tokens, sessionIds, nurseToken: site.nurseToken, siteId: site.siteId };
}
