/**
 * Applies pending migrations to DATABASE_URL and exits. The container entrypoint runs it before the
 * service starts; the service also applies them at start, so running it twice is harmless.
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required to apply migrations\n');
  process.exit(1);
}
const dataSource = new DataSource(dataSourceOptions(url, 1));
await dataSource.initialize();
try {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  process.stdout.write(
    applied.length ? `applied ${applied.map((m) => m.name).join(', ')}\n` : 'migrations: up to date\n',
  );
} finally {
  await dataSource.destroy();
}
