export * from './ranges.js';
export * from './reading.js';
export * from './rate-limit.js';
export * from './protocol.js';
export * from './downsample.js';
export * from './protocol-validation.js';
export * from './engine/index.js';
export * from './discharge.js';
