import { promises as fs } from 'node:fs';

export default async function globalTeardown() {
  const embedded = globalThis.__EMBEDDED_DATABASE__;
  if (!embedded) return;
  await embedded.database.stop();
  await fs.rm(embedded.dir, { recursive: true, force: true });
}
