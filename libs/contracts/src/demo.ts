import type { Role } from './sessions.js';

/**
 * The demo's accounts. They exist only while the service runs with DEMO=1 (the service creates
 * them, or re-activates them with these passwords, at start; without DEMO=1 it deactivates them).
 * The simulator signs in with them to set up the demo's chairs.
 */
export const DEMO_SITE_NAME = 'Demo Clinic';

export const DEMO_ACCOUNTS: readonly { username: string; password: string; displayName: string; role: Role }[] = [
  { username: 'demo.nurse', password: 'demo-nurse-pass', displayName: 'Dana Nurse (demo)', role: 'nurse' },
  {
    username: 'demo.clinician',
    password: 'demo-clinician-pass',
    displayName: 'Dr Casey Clinician (demo)',
    role: 'clinician',
  },
  { username: 'demo.admin', password: 'demo-admin-pass', displayName: 'Alex Admin (demo)', role: 'admin' },
];
