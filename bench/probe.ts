/**
 * What the benchmarks read about the processes they run, from /proc (Linux): a process's resident
 * memory and CPU time, the PostgreSQL backends serving one database, and the V8 heap from a
 * service started with `--trace-gc`. Anything that cannot be read gives `NaN`, never an error.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every mainstream Linux). */
const CLOCK_TICKS = 100;

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** A `Name:   123 kB` field of /proc/<pid>/status or smaps_rollup, in MiB. */
function kbField(text: string | null, name: string): number {
  const match = text && new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Resident set size (VmRSS) of a process, MiB. */
export function rssMiB(pid: number | undefined): number {
  return pid ? kbField(read(`/proc/${pid}/status`), 'VmRSS') : NaN;
}

/** Proportional set size of a process (shared pages divided among their users), MiB. */
export function pssMiB(pid: number): number {
  return kbField(read(`/proc/${pid}/smaps_rollup`), 'Pss');
}

/** User + system CPU time a process has used so far, seconds. */
export function cpuSeconds(pid: number | undefined): number {
  const stat = pid ? read(`/proc/${pid}/stat`) : null;
  if (!stat) return NaN;
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU used between two readings of `cpuSeconds`, as a percentage of one core. */
export const corePercent = (cpuBefore: number, cpuAfter: number, wallSeconds: number) =>
  ((cpuAfter - cpuBefore) / wallSeconds) * 100;

/**
 * The PostgreSQL server processes serving one database (its backends: the service's connection
 * pool and any other client of that database), found through pg_stat_activity.
 */
export class PostgresProbe {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<PostgresProbe> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-probe' });
    await client.connect();
    return new PostgresProbe(client);
  }

  /** Backend pids of the database, this probe's own connection excluded. */
  async pids(): Promise<number[]> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  }

  /** Summed PSS (MiB) and CPU seconds of the database's backends. */
  async sample(): Promise<{ backends: number; pssMiB: number; cpuSeconds: number; byPid: Map<number, number> }> {
    const pids = await this.pids();
    const byPid = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
    return {
      backends: pids.length,
      // A backend that ended between the listing and the read counts as nothing.
      pssMiB: pids.reduce((sum, pid) => sum + (pssMiB(pid) || 0), 0),
      cpuSeconds: [...byPid.values()].reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0),
      byPid,
    };
  }

  /** CPU seconds the backends present in both samples used between them (short-lived ones are missed). */
  static cpuBetween(before: { byPid: Map<number, number> }, after: { byPid: Map<number, number> }): number {
    let used = 0;
    for (const [pid, cpu] of after.byPid) {
      const start = before.byPid.get(pid);
      if (start !== undefined && Number.isFinite(cpu - start)) used += cpu - start;
    }
    return used;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

export interface GcEvent {
  atMs: number;
  kind: 'scavenge' | 'full';
  /** Heap used after the collection, MiB (V8's "A (B) -> C (D) MB": C). */
  afterMiB: number;
  /** Heap committed after the collection, MiB (D). */
  committedMiB: number;
}

const GC_LINE =
  /(Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact)[^\n]*?([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/g;

/**
 * Follows the `--trace-gc` lines a service prints on stdout and keeps the heap size after each
 * collection. The heap after a full (mark-compact) collection is the live heap at that moment; a
 * scavenge leaves the old generation's garbage in place, so its figure is an upper bound.
 */
export class GcTrace {
  private readonly events: GcEvent[] = [];
  private rest = '';

  constructor(child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = this.rest + chunk.toString();
      const cut = text.lastIndexOf('\n');
      this.rest = text.slice(cut + 1);
      for (const match of text.slice(0, cut + 1).matchAll(GC_LINE)) {
        this.events.push({
          atMs: Date.now(),
          kind: match[1] === 'Scavenge' || match[1] === 'Minor Mark-Compact' ? 'scavenge' : 'full',
          afterMiB: Number(match[4]),
          committedMiB: Number(match[5]),
        });
        if (this.events.length > 100_000) this.events.splice(0, 50_000);
      }
    });
  }

  /** The heap after the most recent full collection (and when it ran), or null if none ran yet. */
  lastFull(): GcEvent | null {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.kind === 'full') return this.events[i]!;
    return null;
  }

  /** The lowest heap after any collection since `sinceMs` (MiB), NaN if none ran. */
  lowestSince(sinceMs: number): number {
    let lowest = Infinity;
    for (const e of this.events) if (e.atMs >= sinceMs) lowest = Math.min(lowest, e.afterMiB);
    return Number.isFinite(lowest) ? lowest : NaN;
  }

  /** Collections since `sinceMs`, by kind. */
  countSince(sinceMs: number): { scavenge: number; full: number } {
    const count = { scavenge: 0, full: 0 };
    for (const e of this.events) if (e.atMs >= sinceMs) count[e.kind]++;
    return count;
  }
}
