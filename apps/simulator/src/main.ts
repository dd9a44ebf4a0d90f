/**
 * npm run simulate -- [options]: simulated chairs streaming to a running service, set up through its
 * REST API as an administrator would.
 *
 *   --url <http://host:port>     the service (default http://127.0.0.1:3000)
 *   --admin <username>           an admin account (default admin); password from SIM_ADMIN_PASSWORD
 *   --chairs <n>                 chairs, one device each (default 8)
 *   --speed <x>                  time compression: simulated seconds per real second (default 1)
 *   --site <name>                the site to use or create (default "Simulated Clinic")
 *   --severe-rate <p>            share of patients with the rare severe rise (default 0.01)
 *   --seed <n>                   seed of the patients (default 1): the same seed, the same patients
 *   --auto-discharge <s|off>     sign discharge off s seconds after the observation ends (default off)
 *   --state <file>               keep the device tokens here and reuse the devices next time
 *   --csv <file>                 replay this recording on one chair instead of the model
 *   --infusion-start <s>         with --csv: start the infusion at this recording time (default:
 *                                when the baseline gate passes)
 *
 * Sessions are run by a clinician of the site, made for the run by the admin (or SIM_STAFF_USERNAME
 * and SIM_STAFF_PASSWORD). Readings carry the real time of sending; with --speed above 1 the patient's
 * physiology runs faster while the device still sends one reading per second, and the first minute of
 * baseline data (which the infusion-start gate measures on the readings' own times) is sent at once,
 * stamped with the minute before the session opened, as a monitor put on before it would have.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseVitalsCsv } from '#vitals';
import { startSimulation } from './simulation.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    admin: { type: 'string', default: 'admin' },
    chairs: { type: 'string', default: '8' },
    speed: { type: 'string', default: '1' },
    site: { type: 'string', default: 'Simulated Clinic' },
    'severe-rate': { type: 'string', default: '0.01' },
    seed: { type: 'string', default: '1' },
    'auto-discharge': { type: 'string', default: 'off' },
    state: { type: 'string' },
    csv: { type: 'string' },
    'infusion-start': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n`);
  process.exit(2);
}

function number(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) fail(`--${name} must be a number from ${min} to ${max}`);
  return value;
}

const adminPassword = process.env.SIM_ADMIN_PASSWORD ?? fail('set SIM_ADMIN_PASSWORD to the admin password');
const staff =
  process.env.SIM_STAFF_USERNAME && process.env.SIM_STAFF_PASSWORD
    ? { username: process.env.SIM_STAFF_USERNAME, password: process.env.SIM_STAFF_PASSWORD }
    : undefined;
const log = (message: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

const simulation = await startSimulation({
  baseUrl: values.url!.replace(/\/$/, ''),
  admin: { username: values.admin!, password: adminPassword },
  staff,
  siteName: values.site!,
  chairs: number('chairs', values.chairs!, 1, 10_000),
  speed: number('speed', values.speed!, 1, 600),
  severeRate: number('severe-rate', values['severe-rate']!, 0, 1),
  seed: number('seed', values.seed!, 0, 2 ** 31),
  autoDischargeAfterSeconds:
    values['auto-discharge'] === 'off' ? null : number('auto-discharge', values['auto-discharge']!, 0, 86_400),
  staggerSeconds: 0,
  statePath: values.state ?? null,
  recording: values.csv
    ? {
        samples: parseVitalsCsv(readFileSync(values.csv, 'utf8')),
        infusionStartSeconds:
          values['infusion-start'] === undefined ? null : number('infusion-start', values['infusion-start'], 0, 1e7),
      }
    : undefined,
  log,
});
log(`${simulation.devices.length} chair(s) streaming to ${values.url}; Ctrl+C stops`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await simulation.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
await simulation.done;
await stop();
