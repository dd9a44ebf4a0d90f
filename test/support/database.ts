import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { ROOT, exited, freePort, spawnUntil } from './processes';

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set (the global setup starts an embedded database when it is missing)');
  return url;
}

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

/** A fresh, empty database on the suite's server, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `im_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function query<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A PostgreSQL server the test owns and can stop and start again (same directory, same port). */
export class OwnedDatabase {
  private child: ChildProcess | null = null;
  url = '';

  private constructor(
    private readonly dir: string,
    private readonly port: number,
  ) {}

  static async create(): Promise<OwnedDatabase> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-owned-db-'));
    await fs.chmod(dir, 0o755);
    const database = new OwnedDatabase(dir, await freePort());
    await database.start();
    return database;
  }

  async start(): Promise<void> {
    const { child, match } = await spawnUntil(
      path.join(ROOT, 'test/support/db-process.mjs'),
      [this.dir, String(this.port)],
      { ...process.env },
      /READY (\S+)/,
    );
    this.child = child;
    this.url = match[1]!;
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    child.kill('SIGTERM');
    await exited(child);
  }

  async destroy(): Promise<void> {
    await this.stop();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
