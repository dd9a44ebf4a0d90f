import { Initial1763700000000 } from './1763700000000-initial.js';

/** Every migration, in order. Listed here rather than globbed so the build is explicit. */
export const MIGRATIONS = [Initial1763700000000];
