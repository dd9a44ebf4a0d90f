import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'imd_';

/** A new device token: 32 random bytes. Only its SHA-256 is stored (it has full entropy, so a slow hash adds nothing). */
export function newDeviceToken(): { token: string; hash: string } {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashDeviceToken(token) };
}

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeDeviceToken(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX) && value.length < 100;
}
