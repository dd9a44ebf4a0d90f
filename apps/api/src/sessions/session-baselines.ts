import type { Baseline } from '#vitals';

/**
 * Where a session's baseline comes from: the alert engine that watches the session (alerts/
 * provides it, see bootstrap/app.module.ts). Declared here so that sessions/ does not import alerts/.
 */
export abstract class SessionBaselines {
  abstract baselineOf(sessionId: string): Promise<Baseline>;
}
