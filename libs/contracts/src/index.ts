export * from './audit.js';
export * from './alerts.js';
export * from './events.js';
export * from './readings.js';
export * from './rest.js';
export * from './sessions.js';
export * from './demo.js';
export * from './discharge.js';
