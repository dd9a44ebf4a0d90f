import { SimulatedChair } from './chair.js';
import { SimulatedDevice } from './device.js';
import { Rest } from './rest.js';
import { createSimulatorClinician, setUpClinic } from './setup.js';
import type { CsvSample } from '#vitals';

export interface SimulationOptions {
  baseUrl: string;
  admin: { username: string; password: string };
  /** A clinician of the site to run the sessions; created by the admin when not given. */
  staff?: { username: string; password: string };
  siteName: string;
  chairs: number;
  speed: number;
  severeRate: number;
  seed: number;
  autoDischargeAfterSeconds: number | null;
  /** Seconds between the chairs' first infusions, so a clinic runs with chairs in different phases. */
  staggerSeconds: number;
  statePath: string | null;
  recording?: { samples: CsvSample[]; infusionStartSeconds: number | null };
  log: (message: string) => void;
}

export interface Simulation {
  siteId: string;
  devices: SimulatedDevice[];
  /** Settles when every chair has finished (a replayed recording ends; the model runs until stopped). */
  done: Promise<unknown>;
  stop: () => Promise<void>;
}

/** Sets the clinic up through the REST API and starts every chair; `stop` ends them and disconnects. */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const admin = await Rest.signIn(options.baseUrl, options.admin.username, options.admin.password);
  const clinic = await setUpClinic(admin, {
    siteName: options.siteName,
    chairs: options.recording ? 1 : options.chairs,
    statePath: options.statePath,
  });
  const staffLogin = options.staff ?? (await createSimulatorClinician(admin, clinic.siteId));
  const staff = await Rest.signIn(options.baseUrl, staffLogin.username, staffLogin.password);
  const devices: SimulatedDevice[] = [];
  const chairs: SimulatedChair[] = [];
  for (const [i, chair] of clinic.chairs.entries()) {
    const device = new SimulatedDevice(options.baseUrl, chair.token);
    device.on('connect_error', (error: Error) => options.log(`${chair.name}: cannot connect (${error.message})`));
    await device.resumed();
    devices.push(device);
    chairs.push(
      new SimulatedChair({
        name: chair.name,
        siteId: clinic.siteId,
        protocolId: clinic.protocolId,
        deviceId: chair.deviceId,
        device,
        staff,
        staffPassword: staffLogin.password,
        speed: options.speed,
        seed: options.seed + i,
        severeRate: options.severeRate,
        autoDischargeAfterSeconds: options.autoDischargeAfterSeconds,
        recording: options.recording,
        firstBaselineExtraSeconds: i * options.staggerSeconds,
        log: options.log,
      }),
    );
  }
  const running = chairs.map((chair) => chair.run());
  return {
    siteId: clinic.siteId,
    devices,
    done: Promise.allSettled(running),
    stop: async () => {
      for (const chair of chairs) chair.stop();
      await Promise.allSettled(running);
      // Give the last readings a moment to be acknowledged before letting go of the sockets.
      await Promise.allSettled(devices.map((device) => device.drained(2_000)));
      for (const device of devices) device.close();
    },
  };
}
