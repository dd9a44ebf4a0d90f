import path from 'node:path';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';
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
  /** Most readings between arrival and acknowledgement, over all devices; more are refused (`unavailable`). */
  ingestMaxInFlight: number;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  corsOrigin: string | null;
  /** Which proxies' X-Forwarded-For is believed for the client's address (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** TEST_CLOCK=1 (never in production): tests may move the clinical clock forward. */
  testClock: boolean;
  /** HL7 v2 MLLP listener: off unless HL7_MLLP_PORT is set (0: any free port). */
  hl7MllpPort: number | null;
  hl7MllpHost: string;
  /** DEMO=1 (never in production): the demo's accounts are active; without it they are deactivated. */
  demo: boolean;
  /** REDIS_URL: several instances share fan-out and signals through Redis; null = one instance, no Redis. */
  redisUrl: string | null;
  /** REDIS_PREFIX: the start of every key, stream and channel this deployment uses in Redis. */
  redisPrefix: string;
  /** ENGINE_LEASE_MS: how long an instance owns a session's detection engine without renewing (with Redis). */
  engineLeaseMs: number;
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

function validRedisUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
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
  const adminUsername = env.ADMIN_USERNAME?.trim() || 'admin';
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  if (typeof trustProxy === 'string') problems.push(trustProxy);
  const demo = env.DEMO === '1';
  if (demo && production) problems.push('DEMO=1 is not allowed when NODE_ENV=production');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }
  const redisUrl = env.REDIS_URL?.trim() || null;
  if (redisUrl !== null && !validRedisUrl(redisUrl)) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL (redis://host:6379)');
  }
  const redisPrefix = env.REDIS_PREFIX?.trim() || 'im';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisPrefix)) {
    problems.push('REDIS_PREFIX must be 1 to 64 letters, digits or _ . : -');
  }
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
    adminUsername,
    adminPassword,
    jwtSecret,
    jwtTtlSeconds: integer(env, 'JWT_TTL_SECONDS', 12 * 3600, 60, 7 * 24 * 3600, problems),
    logLevel,
    deviceRatePerSecond: integer(env, 'DEVICE_RATE_PER_SECOND', 100, 1, 100000, problems),
    deviceRateBurst: integer(env, 'DEVICE_RATE_BURST', 2000, 1, 1000000, problems),
    ingestFlushMs: integer(env, 'INGEST_FLUSH_MS', 4, 0, 1000, problems),
    ingestMaxBatch: integer(env, 'INGEST_MAX_BATCH', 2000, 1, 20000, problems),
    ingestMaxInFlight: integer(env, 'INGEST_MAX_IN_FLIGHT', 50_000, 1, 1_000_000, problems),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000, problems),
    loginLockoutSeconds: integer(env, 'LOGIN_LOCKOUT_SECONDS', 300, 1, 86400, problems),
    corsOrigin: env.CORS_ORIGIN?.trim() || null,
    trustProxy: typeof trustProxy === 'string' ? { setting: false, trusted: () => false } : trustProxy,
    testClock: env.TEST_CLOCK === '1' && !production,
    hl7MllpPort: env.HL7_MLLP_PORT?.trim() ? integer(env, 'HL7_MLLP_PORT', 0, 0, 65535, problems) : null,
    hl7MllpHost: env.HL7_MLLP_HOST?.trim() || env.HOST?.trim() || (demo ? '127.0.0.1' : '0.0.0.0'),
    demo,
    redisUrl,
    redisPrefix,
    engineLeaseMs: integer(env, 'ENGINE_LEASE_MS', 5_000, 1_000, 600_000, problems),
    metricsAllow,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
