// The medium tier: services of the built API (dist/) on a real PostgreSQL, without the HTTP layer.
// Runs under node:test, as plain ESM (the service's own module system): Jest runs CommonJS and the
// NestJS packages are ESM-only (see jest.config.cjs). Once per run: migrate a template database;
// each test file then clones its own from it (test/medium/support.ts).
//   node test/medium/run.mjs [file filter]   (after `npm run build:api && tsc -p test/medium`)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import pg from 'pg';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../dist/apps/api/src/database/data-source-options.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist/test/medium');
const filter = process.argv[2] ?? '';

const files = (await fs.readdir(DIST))
  .filter((name) => name.endsWith('.medium-spec.js') && name.includes(filter))
  .sort()
  .map((name) => path.join(DIST, name));
if (files.length === 0) throw new Error(`no medium tests in ${DIST} matching "${filter}"`);

// Without DATABASE_URL, an embedded PostgreSQL in a temporary directory (as test/support/global-setup.mjs).
let embedded = null;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  const { EmbeddedDatabase } = await import('../../dist/apps/api/src/database/embedded.js');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-medium-db-'));
  await fs.chmod(dir, 0o755);
  const database = new EmbeddedDatabase(dir);
  serverUrl = await database.start();
  embedded = { database, dir };
}

const admin = async (sql) => {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

const template = `im_medium_tpl_${randomBytes(5).toString('hex')}`;
let code = 1;
try {
  await admin(`CREATE DATABASE ${template}`);
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const dataSource = new DataSource(dataSourceOptions(url.toString(), 1));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
  const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: serverUrl, MEDIUM_TEMPLATE_DATABASE: template, LOG_LEVEL: 'silent' },
    stdio: 'inherit',
  });
  code = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))));
} finally {
  await admin(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
  if (embedded) {
    await embedded.database.stop();
    await fs.rm(embedded.dir, { recursive: true, force: true });
  }
}
process.exitCode = code;
