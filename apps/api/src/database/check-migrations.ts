/**
 * Drift check: applies every migration to an empty database, then asks TypeORM what it would still
 * change to match the entities. Anything at all means the entities and migrations disagree.
 *
 *   node dist/apps/api/src/database/check-migrations.js          exit 1 on drift
 *   node dist/apps/api/src/database/check-migrations.js --print  print the SQL that would be generated
 */
import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { EmbeddedDatabase } from './embedded.js';
import { withScratchDatabase } from './scratch-database.js';

async function pendingSchemaChanges(url: string): Promise<string[]> {
  return withScratchDatabase(url, async (scratchUrl) => {
    const dataSource = new DataSource(dataSourceOptions(scratchUrl, 2));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      const sql = await dataSource.driver.createSchemaBuilder().log();
      return sql.upQueries.map((query) => query.query);
    } finally {
      await dataSource.destroy();
    }
  });
}

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | null = null;
  let url = process.env.DATABASE_URL;
  if (!url) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'im-drift-'));
    await fs.chmod(dir, 0o755);
    embedded = new EmbeddedDatabase(dir);
    url = await embedded.start();
  }
  try {
    const changes = await pendingSchemaChanges(url);
    if (process.argv.includes('--print')) {
      for (const query of changes) console.log(`${query};`);
      return;
    }
    if (changes.length > 0) {
      console.error('Entities and migrations disagree. A new migration would run:');
      for (const query of changes) console.error(`  ${query};`);
      process.exitCode = 1;
    } else {
      console.log('Migrations match the entities: no drift.');
    }
  } finally {
    await embedded?.stop();
  }
}

await main();
