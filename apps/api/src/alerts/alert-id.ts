import { createHash } from 'node:crypto';

/**
 * The UUID of an alert: a name-based UUID (version 5 layout) of its session and the engine's
 * deterministic id, so the same episode always maps to the same row.
 */
export function alertUuid(sessionId: string, engineId: string): string {
  const hash = createHash('sha1').update(`${sessionId}/${engineId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
