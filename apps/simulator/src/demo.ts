/**
 * The demo (`npm start`): starts the service in demo mode — on the embedded PostgreSQL unless
 * DATABASE_URL is set — and a simulated clinic of DEMO_CHAIRS chairs streaming to it at DEMO_SPEED×,
 * then prints the dashboard's address and the demo logins. Ctrl+C stops both.
 *
 * The chairs start a few seconds apart, so the ward shows every phase within minutes; about one
 * patient in four has the severe rise (a real clinic sees it in about 1 in 100) so that alarms
 * appear. A patient's observation ends after 60–90 simulated minutes; if nobody has discharged
 * them DEMO_AUTO_DISCHARGE_SECONDS later, the demo clinician signs them off and the chair takes
 * the next patient.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_ACCOUNTS, DEMO_SITE_NAME } from '#contracts';
import { startSimulation, type Simulation } from './simulation.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    process.stderr.write(`${name} must be a number from ${min} to ${max} (got "${raw}")\n`);
    process.exit(2);
  }
  return value;
}

const chairs = setting('DEMO_CHAIRS', 8, 1, 200);
const speed = setting('DEMO_SPEED', 30, 1, 600);
const autoDischarge = setting('DEMO_AUTO_DISCHARGE_SECONDS', 90, 0, 86_400);
const dataDir = path.resolve(process.env.DATA_DIR?.trim() || '.data');
const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;

const service = spawn(process.execPath, [...process.execArgv, path.join(ROOT, 'dist/apps/api/src/main.js')], {
  cwd: ROOT,
  env: { LOG_LEVEL: 'warn', ...process.env, DEMO: '1', PRINT_LISTENING_PORT: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

let simulation: Simulation | null = null;
let stopping = false;
const log = (message: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  await simulation?.stop().catch(() => undefined);
  if (service.exitCode === null) service.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
service.on('exit', (code, signal) => {
  if (buffered) process.stdout.write(buffered); // why it could not start
  if (!stopping) process.stderr.write(`\nThe service stopped (${signal ?? `exit code ${code}`}).\n`);
  void simulation?.stop().catch(() => undefined);
  process.exit(code ?? 1);
});

// The service's console (the first admin's password on a new database, warnings) passes through;
// its LISTENING line tells the port.
let buffered = '';
service.stdout!.on('data', (chunk: Buffer) => {
  const text = chunk.toString();
  if (simulation === null && !stopping) {
    buffered += text;
    const match = /LISTENING (\d+)/.exec(buffered);
    if (match) {
      process.stdout.write(buffered.replace(/LISTENING \d+\n?/, ''));
      buffered = '';
      void begin(Number(match[1]));
    }
    return;
  }
  process.stdout.write(text);
});

async function begin(port: number): Promise<void> {
  const host = process.env.HOST?.trim() || '127.0.0.1';
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const baseUrl = `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
  try {
    simulation = await startSimulation({
      baseUrl,
      admin: account('admin'),
      staff: account('clinician'),
      siteName: DEMO_SITE_NAME,
      chairs,
      speed,
      severeRate: 0.25,
      seed: 2026,
      autoDischargeAfterSeconds: autoDischarge,
      staggerSeconds: Math.min(20, 300 / chairs),
      statePath: path.join(dataDir, 'demo-devices.json'),
      log,
    });
  } catch (error) {
    process.stderr.write(`The demo could not set up its chairs: ${error instanceof Error ? error.message : error}\n`);
    await stop('SIGTERM');
    return;
  }
  const width = Math.max(...DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password}`.length));
  const logins = DEMO_ACCOUNTS.map((a) => `      ${`${a.username} / ${a.password}`.padEnd(width)}   ${a.role}`);
  process.stdout.write(
    [
      '',
      '  Infusion Monitor demo is running',
      '',
      `    Dashboard:  ${baseUrl}/`,
      `    API docs:   ${baseUrl}/api/docs`,
      '    Sign in as:',
      ...logins,
      '',
      `    ${chairs} simulated chairs in "${DEMO_SITE_NAME}", time compressed ${speed}× (a 40-minute infusion takes ${Math.round(2400 / speed)} s).`,
      '    The demo accounts work only in demo mode. Ctrl+C stops the demo.',
      '',
      '',
    ].join('\n'),
  );
}
