import path from 'node:path';
import { AddressList } from '../common/address-list.js';

/** The service's configuration, read once from the environment and validated at boot. */
export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  adminUsername: string;
  adminPassword: string | null;
  jwtSecret: string | null;
  jwtTtlSeconds: number;
  logLevel: string;
  deviceRatePerSecond: number;
  deviceRateBurst: number;
  ingestFlushMs: number;
  ingestMaxBatch: number;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  corsOrigin: string | null;
  /** TEST_CLOCK=1 (never in production): tests may move the clinical clock forward. */
  testClock: boolean;
  /** DEMO=1 (never in production): the demo's accounts are active; without it they are deactivated. */
  demo: boolean;
  /** Redis shared by the instances of one clinic group; null: one instance, everything in its memory. */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
  /** Who may read `/metrics` without a token. */
  metricsAllow: AddressList;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const jwtSecret = env.JWT_SECRET?.trim() || null;
  if (jwtSecret !== null && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (production && jwtSecret === null) problems.push('JWT_SECRET is required when NODE_ENV=production');
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 12)
    problems.push('ADMIN_PASSWORD must be at least 12 characters');
  const demo = env.DEMO === '1';
  if (demo && production) problems.push('DEMO=1 is not allowed when NODE_ENV=production');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }
  const redisUrl = env.REDIS_URL?.trim() || null;
  if (redisUrl !== null && !validRedisUrl(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const redisPrefix = env.REDIS_PREFIX?.trim() || 'im';
  if (!/^[\w.-]{1,64}$/.test(redisPrefix)) problems.push('REDIS_PREFIX must be 1 to 64 letters, digits, _ . or -');
  let metricsAllow = AddressList.parse('127.0.0.0/8,::1');
  try {
    if (env.METRICS_ALLOW?.trim()) metricsAllow = AddressList.parse(env.METRICS_ALLOW);
  } catch (error) {
    problems.push(`METRICS_ALLOW must be addresses or CIDRs separated by commas, or none: ${(error as Error).message}`);
  }
  const config: AppConfig = {
    production,
    port: integer(env, 'PORT', 3000, 0, 65535, problems),
    // The demo's accounts have published passwords: by default it listens on this machine only.
    host: env.HOST?.trim() || (demo ? '127.0.0.1' : '0.0.0.0'),
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    adminUsername: env.ADMIN_USERNAME?.trim() || 'admin',
    adminPassword,
    jwtSecret,
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 12 * 3600, 60, 7 * 24 * 3600, problems),
    logLevel,
    deviceRatePerSecond: integer(env, 'DEVICE_RATE_PER_SECOND', 100, 1, 100000, problems),
    deviceRateBurst: integer(env, 'DEVICE_RATE_BURST', 2000, 1, 1000000, problems),
    ingestFlushMs: integer(env, 'INGEST_FLUSH_MS', 4, 0, 1000, problems),
    ingestMaxBatch: integer(env, 'INGEST_MAX_BATCH', 2000, 1, 20000, problems),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000, problems),
    loginLockoutSeconds: integer(env, 'LOGIN_LOCKOUT_SECONDS', 300, 1, 86400, problems),
    corsOrigin: env.CORS_ORIGIN?.trim() || null,
    testClock: env.TEST_CLOCK === '1' && !production,
    demo,
    redisUrl,
    redisPrefix,
    metricsAllow,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function validRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');
