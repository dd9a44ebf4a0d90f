import { performance } from 'node:perf_hooks';
import { MEASUREMENTS } from '../../../libs/contracts/src/index';
import { MEASUREMENT_RANGES } from '../../../libs/vitals/src/index';
import type { RunningApp } from '../app';
import { connectWard, eventually, sessionBody, type SiteWorld, type WardClient, type World } from '../api';
import { query } from '../database';
import { useApp } from '../harness';
import { WellBehavedMonitor } from './monitor';
import { parseJson } from './rest';
import { CALM, JWT_SECRET, LOGIN_MAX_FAILURES, SEED, UNANSWERABLE, cases, floods, percentile, sleep } from './values';

/**
 * Hostile input: more than 10,000 malformed, oversized and malicious inputs to every way into the
 * service — the device namespace `/devices`, the ward namespace `/ward`, REST, and the raw WebSocket
 * and engine.io transport under them — plus floods, while a well-behaved monitor streams a reading
 * every 100 ms to a ward screen that watches it. One spec file per target
 * (test/resilience/hostile-*.resilience-spec.ts), each with its own service, built here.
 *
 * Every case is generated from SEED, so a failure replays (the few random ids and keys — an unknown
 * UUID, a WebSocket key — change no expected outcome). Each must be answered with an error (a
 * refused acknowledgement, a 4xx with the contract's error body, a refused handshake) or have its
 * connection closed by the service: never a 5xx, never silence. Every hostile reading is invalid by
 * construction, so the sessions bound to the hostile devices must end with no reading at all; the
 * monitor's session must hold exactly what was acknowledged; every stored row must be within the
 * contract's ranges; and no user, site, device, protocol, session or record may have changed.
 *
 * Each file asserts a floor of answered cases it makes from the seed (devices 7,800, REST 2,700, ward
 * 800, raw WebSocket 500): together more than 10,000.
 *
 * The `it` blocks of a file run in order against one service and share the well-behaved monitor; the
 * last one (`itEndsSound`) checks the end state and prints the tally (cases per target and their
 * outcomes, the floods, and the monitor's acknowledgement latency during each block).
 *
 * Run: `npm run build && npx jest test/resilience/hostile- --selectProjects resilience` (the path before
 * `--selectProjects`, which would otherwise take it for a project name), or one file of them.
 */

interface Phase {
  name: string;
  from: number;
  to: number;
}
/** How long the well-behaved monitor streams at least (a reading each 100 ms) before the end state is checked. */
const MONITOR_MIN_MS = 12_000;
const phaseEnd = (p: Phase) => (Number.isFinite(p.to) ? p.to : Date.now());

/** The service under attack and what the suite set up on it (filled in by `useHostileService`'s beforeAll). */
export class HostileService {
  db: { url: string; drop: () => Promise<void> };
  app: RunningApp;
  world: World;
  monitor: WellBehavedMonitor;
  ward: WardClient;
  goodSessionId: string;
  hostileSessionId: string;
  rawSessionId: string;
  floodSessionId: string;
  nurseBId: string;
  revokedDeviceToken: string;
  protocolRules: unknown;
  fingerprintsBefore: Record<string, string>;
  /** The flood readings the service accepted (set by the flood test, checked at the end). */
  floodAccepted: number[] = [];
  readonly suiteStarted = performance.now();
  /** Which test ran when, to tell which part of the hostile run the monitor's slowest answers fell in. */
  readonly phases: Phase[] = [];
  /** When the well-behaved monitor started streaming (epoch ms). */
  monitorStartedAt: number;

  async fingerprints(): Promise<Record<string, string>> {
    const tables: Record<string, string> = {
      users: 'SELECT id, username, display_name, role, password_hash, active, updated_at FROM users',
      user_sites: 'SELECT * FROM user_sites',
      sites: 'SELECT * FROM sites',
      devices: 'SELECT id, site_id, name, token_hash, revoked_at FROM devices',
      protocols: 'SELECT * FROM protocols',
      sessions: 'SELECT * FROM sessions',
      recovery_observations: 'SELECT * FROM recovery_observations',
      discharge_checklists: 'SELECT * FROM discharge_checklists',
      signatures: 'SELECT * FROM signatures',
      addenda: 'SELECT * FROM addenda',
    };
    const out: Record<string, string> = {};
    for (const [name, sql] of Object.entries(tables)) {
      const [row] = await query<{ n: number; digest: string | null }>(
        this.db.url,
        `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM (${sql}) t`,
      );
      out[name] = `${row!.n} rows, ${row!.digest ?? '-'}`;
    }
    return out;
  }
}

/**
 * Starts a service with four devices per site, its sessions (one per device role: the monitor's, the
 * hostile readings', the raw texts', the flood's), a revoked device, a calm nurse, the ward screen and
 * the well-behaved monitor, before the file's tests; stops them after.
 */
export function useHostileService(): HostileService {
  const service = new HostileService();

  // Declared first, so it runs before useApp's afterAll stops the service (Jest runs them in order).
  afterAll(async () => {
    await service.monitor?.stop();
    service.ward?.close();
  }, 30_000);
  useApp({ env: { JWT_SECRET, LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) }, world: 4 }, ({ db, app, world }) =>
    Object.assign(service, { db, app, world }),
  );
  beforeAll(async () => {
    const { app, world } = service;
    const open = async (site: SiteWorld, device: { id: string }) =>
      (await site.nurse.ok('/sessions', sessionBody(site.siteId, device.id, world.protocolId))).id as string;
    service.goodSessionId = await open(world.a, world.a.devices[0]!);
    service.hostileSessionId = await open(world.b, world.b.devices[0]!);
    service.rawSessionId = await open(world.b, world.b.devices[1]!);
    service.floodSessionId = await open(world.b, world.b.devices[2]!);
    // world.b.devices[3] stays free, so a session body naming it would be accepted if it were valid.
    await world.admin.ok(`/devices/${world.a.devices[3]!.id}/revoke`);
    service.revokedDeviceToken = world.a.devices[3]!.token;
    await world.admin.ok('/users', {
      username: CALM.username,
      displayName: 'Calm Nurse',
      role: 'nurse',
      password: CALM.password,
      siteIds: [world.a.siteId],
    });
    service.nurseBId = (await world.b.nurse.get('/auth/me')).body.id as string;
    service.protocolRules = ((await world.admin.get('/protocols')).body as { id: string; rules: unknown }[]).find(
      (p) => p.id === world.protocolId,
    )!.rules;
    service.fingerprintsBefore = await service.fingerprints();

    service.ward = await connectWard(world.a.nurse);
    await service.ward.snapshot;
    service.monitor = await WellBehavedMonitor.start(app.url, world.a.devices[0]!.token);
    service.monitorStartedAt = Date.now();
  }, 60_000);

  beforeEach(() =>
    service.phases.push({ name: expect.getState().currentTestName ?? '?', from: Date.now(), to: Infinity }),
  );
  afterEach(() => (service.phases[service.phases.length - 1]!.to = Date.now()));

  return service;
}

/**
 * The last test of each file: the monitor was served throughout, nothing invalid was stored, nothing
 * changed, and the service did not crash; with at least `minCases` answered cases in the file.
 */
export function itEndsSound(service: HostileService, minCases: number): void {
  it('stayed responsive, stored nothing invalid, changed nothing, and did not crash', async () => {
    const { app, db, monitor, ward, goodSessionId, hostileSessionId, rawSessionId, floodSessionId } = service;
    const { floodAccepted, fingerprintsBefore, phases, suiteStarted } = service;
    // At least MONITOR_MIN_MS of streaming, however quick the file's hostile run: the checks below
    // measure the monitor over a hundred readings and more.
    await sleep(Math.max(500, service.monitorStartedAt + MONITOR_MIN_MS - Date.now()));
    await monitor.stop();
    const seconds = (performance.now() - suiteStarted) / 1000;
    const answered = cases.total((o) => o !== UNANSWERABLE);
    const latencies = monitor.samples.map((m) => m.ms);
    const warnings = app
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":40'))
      .map((line) => (parseJson(line) as { msg?: string } | null)?.msg ?? line.slice(0, 80));
    const during = phases.map((p) => {
      const ms = monitor.samples.filter((m) => m.at >= p.from && m.at < phaseEnd(p)).map((m) => m.ms);
      const name = p.name.replace(/^hostile input /, '').slice(0, 44);
      return `  ${name.padEnd(46)} ${((phaseEnd(p) - p.from) / 1000).toFixed(1).padStart(6)} s  ${String(ms.length).padStart(5)} readings  p99 ${percentile(ms, 99).toFixed(0).padStart(4)} ms  max ${Math.max(
        0,
        ...ms,
      )
        .toFixed(0)
        .padStart(4)} ms`;
    });
    const summary = [
      `Hostile input: ${cases.total()} cases (${answered} answered, seed ${SEED}) in ${seconds.toFixed(1)} s`,
      `${'target'.padEnd(34)} ${'cases'.padStart(6)}  outcomes`,
      cases.table(),
      '',
      'Floods (not counted as cases)',
      floods.table(),
      '',
      `Well-behaved monitor: ${monitor.acked.length} of ${monitor.samples.length} readings acknowledged ok, ` +
        `ack latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ` +
        `max ${Math.max(...latencies).toFixed(0)} ms; /health ${monitor.health.length} polls, ` +
        `${monitor.health.filter((h) => h.status === 200).length} × 200, ` +
        `max ${Math.max(...monitor.health.map((h) => h.ms)).toFixed(0)} ms`,
      ...during,
      `Service log: ${warnings.length} warnings${warnings.length ? ` (${[...new Set(warnings)].slice(0, 5).join('; ')})` : ''}`,
    ].join('\n');
    console.log(summary);

    expect(answered).toBeGreaterThanOrEqual(minCases);
    expect(cases.total((o) => o === 'WRONG')).toBe(0);

    // The well-behaved client was served throughout.
    expect(monitor.problems).toEqual([]);
    expect(monitor.acked.length).toBeGreaterThan(100);
    expect(Math.max(...latencies)).toBeLessThan(2_000);
    await eventually(() => {
      const shown = new Set(ward.vitals.filter((v) => v.sessionId === goodSessionId).map((v) => v.seq));
      expect(monitor.acked.filter((seq) => !shown.has(seq))).toEqual([]);
    }, 10_000);

    // Nothing invalid was stored.
    const count = async (sql: string, params: unknown[] = []) =>
      (await query<{ n: number }>(db.url, sql, params))[0]!.n;
    expect(
      await count('SELECT count(*)::int AS n FROM readings WHERE session_id = ANY($1::uuid[])', [
        [hostileSessionId, rawSessionId],
      ]),
    ).toBe(0);
    const stored = await query<{ seq: string }>(db.url, 'SELECT seq FROM readings WHERE session_id = $1 ORDER BY seq', [
      goodSessionId,
    ]);
    expect(stored.map((r) => Number(r.seq))).toEqual([...monitor.acked].sort((a, b) => a - b));
    const flooded = await query<{ seq: string }>(
      db.url,
      'SELECT seq FROM readings WHERE session_id = $1 ORDER BY seq',
      [floodSessionId],
    );
    expect(flooded.map((r) => Number(r.seq))).toEqual([...floodAccepted].sort((a, b) => a - b));
    const inRange = MEASUREMENTS.map((m) => {
      const { min, max } = MEASUREMENT_RANGES[m];
      return `(${m} IS NULL OR ${m} BETWEEN ${min} AND ${max})`;
    }).join(' AND ');
    expect(
      await count(
        `SELECT count(*)::int AS n FROM readings WHERE NOT (seq >= 0 AND ${inRange}
           AND num_nonnulls(hr, sbp, dbp, map, spo2, rr, temp) > 0
           AND NOT (sbp > 0 AND dbp > 0 AND dbp >= sbp)
           AND recorded_at <= received_at + interval '5 minutes')`,
      ),
    ).toBe(0);
    expect(await service.fingerprints()).toEqual(fingerprintsBefore);

    // The service is still the same process, and logged no error.
    expect(app.child.exitCode).toBeNull();
    expect(app.child.signalCode).toBeNull();
    const errors = app
      .output()
      .split('\n')
      .filter((line) => /"level":(50|60)|QueryFailedError|Unhandled|uncaught|Maximum call stack/i.test(line));
    expect(errors.slice(0, 10)).toEqual([]);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  }, 60_000);
}
