// A PostgreSQL that a test owns: started in its own process so the test can stop it (SIGTERM) and
// start it again on the same directory and port, while the service under test keeps running.
//   node test/support/db-process.mjs <dataDir> <port>   → prints "READY <url>", stops on SIGTERM
import { EmbeddedDatabase } from '../../dist/apps/api/src/database/embedded.js';

const [dir, port] = process.argv.slice(2);
const database = new EmbeddedDatabase(dir, () => undefined, Number(port));
const url = await database.start();
process.stdout.write(`READY ${url}\n`);
const stop = async () => {
  await database.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
