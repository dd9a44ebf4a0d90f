// Without DATABASE_URL the suite runs on its own embedded PostgreSQL (the service's own launcher),
// in a temporary directory, so `npm test` needs no database server.
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';

export default async function globalSetup() {
  if (process.env.DATABASE_URL) return;
  const { EmbeddedDatabase } = await import('../../dist/apps/api/src/database/embedded.js');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-test-db-'));
  await fs.chmod(dir, 0o755);
  const database = new EmbeddedDatabase(dir);
  process.env.DATABASE_URL = await database.start();
  globalThis.__EMBEDDED_DATABASE__ = { database, dir };
}
