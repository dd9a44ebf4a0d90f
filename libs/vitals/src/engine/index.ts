export * from './types.js';
export { computeBaseline, predoseGate, type PredoseBlocker, type PredoseBlockerCode } from './baseline.js';
export { DetectionEngine, replaySession } from './engine.js';
export { MONITORED, type EngineSnapshot } from './state.js';
export { toContractAlert } from './contract.js';
export { cuffImplausibility } from './rules.js';
export { TECHNICAL_KINDS } from './state.js';
// Test and demo material that belongs with the engine: the fixtures' CSV format and synthetic sessions.
export * from '../csv.js';
export * from '../synthetic.js';
