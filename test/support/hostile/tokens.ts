import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { JWT_SECRET } from './values';

// Forged, expired and misused tokens for the socket handshakes. (The hostile-input suite: suite.ts.)

export const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT as an attacker makes one: any header, any payload, any algorithm and secret (null: unsigned). */
export function forgeJwt(
  payload: unknown,
  options: { alg?: string; secret?: string | null; header?: object } = {},
): string {
  const alg = options.alg ?? 'HS256';
  const body = `${b64url(options.header ?? { alg, typ: 'JWT' })}.${b64url(payload)}`;
  if (options.secret === null) return `${body}.`;
  const hash = ({ HS384: 'sha384', HS512: 'sha512' } as Record<string, string>)[alg] ?? 'sha256';
  return `${body}.${createHmac(hash, options.secret ?? JWT_SECRET)
    .update(body)
    .digest('base64url')}`;
}

export function flipSignature(token: string): string {
  const [head, payload, signature = ''] = token.split('.');
  const i = Math.floor(signature.length / 2);
  const swapped = signature[i] === 'A' ? 'B' : 'A';
  return `${head}.${payload}.${signature.slice(0, i)}${swapped}${signature.slice(i + 1)}`;
}

/** Staff tokens that must not open a `/ward` socket or pass the REST guard. */
export function badUserTokens(userId: string, validToken: string, deviceToken: string): [string, unknown][] {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, typ: 'access', iat: now, exp: now + 3600 };
  const [head, payload] = validToken.split('.');
  return [
    ['missing', undefined],
    ['null', null],
    ['number', 12_345],
    ['0', 0],
    ['true', true],
    ['object', { token: validToken }],
    ['array', [validToken]],
    ['empty', ''],
    ['space', ' '],
    ['"Bearer …"', `Bearer ${validToken}`],
    ['trailing space', `${validToken} `],
    ['device token', deviceToken],
    ['expired', forgeJwt({ ...claims, iat: now - 7200, exp: now - 3600 })],
    ['not yet valid', forgeJwt({ ...claims, nbf: now + 3600 })],
    ['alg none', forgeJwt(claims, { alg: 'none', secret: null })],
    ['alg none with a signature', forgeJwt(claims, { header: { alg: 'none' } })],
    ['HS512 with the right secret', forgeJwt(claims, { alg: 'HS512' })],
    ['HS384 with the right secret', forgeJwt(claims, { alg: 'HS384' })],
    ['RS256 header, HMAC signature', forgeJwt(claims, { header: { alg: 'RS256', typ: 'JWT' } })],
    ['wrong secret', forgeJwt(claims, { secret: 'not-the-secret-not-the-secret-00000' })],
    ['empty secret', forgeJwt(claims, { secret: '' })],
    ['typ refresh', forgeJwt({ ...claims, typ: 'refresh' })],
    ['no typ', forgeJwt({ sub: userId, exp: now + 3600 })],
    ['no sub', forgeJwt({ typ: 'access', exp: now + 3600 })],
    ['sub a number', forgeJwt({ ...claims, sub: 42 })],
    ['sub an array', forgeJwt({ ...claims, sub: [userId] })],
    ['sub an object', forgeJwt({ ...claims, sub: { id: userId } })],
    ['sub not a uuid', forgeJwt({ ...claims, sub: 'admin' })],
    ['sub SQL', forgeJwt({ ...claims, sub: "' OR 1=1 --" })],
    ['sub unknown uuid', forgeJwt({ ...claims, sub: randomUUID() })],
    ['sub with NUL', forgeJwt({ ...claims, sub: `${userId}\u0000` })],
    ['sub 10 kB', forgeJwt({ ...claims, sub: 'x'.repeat(10_000) })],
    ['payload null', forgeJwt(null)],
    ['payload array', forgeJwt([claims])],
    ['payload string', forgeJwt('access')],
    ['payload not JSON', `${head}.${b64url('not json')}.${validToken.split('.')[2]}`],
    ['signature altered', flipSignature(validToken)],
    ['signature removed', `${head}.${payload}.`],
    ['two parts', `${head}.${payload}`],
    ['four parts', `${validToken}.x`],
    ['parts swapped', `${payload}.${head}.${validToken.split('.')[2]}`],
    ['".."', '..'],
    ['"a.b.c"', 'a.b.c'],
    ['100 kB string', 'x'.repeat(100_000)],
    ['with NUL', `${validToken}\u0000`],
    ['emoji', '😀'],
    ['lone surrogate', '\ud800'],
  ];
}

export function badDeviceTokens(validToken: string, revokedToken: string, userToken: string): [string, unknown][] {
  return [
    ['missing', undefined],
    ['null', null],
    ['number', 12_345],
    ['true', true],
    ['object', { token: validToken }],
    ['array', [validToken]],
    ['empty', ''],
    ['"imd_"', 'imd_'],
    ['unknown imd_ token', `imd_${randomBytes(32).toString('base64url')}`],
    ['revoked device token', revokedToken],
    ['token with one character changed', `${validToken.slice(0, -1)}${validToken.endsWith('A') ? 'B' : 'A'}`],
    ['token truncated', validToken.slice(0, -1)],
    ['token with a trailing space', `${validToken} `],
    ['token upper-case prefix', validToken.replace('imd_', 'IMD_')],
    ['token with NUL', `${validToken}\u0000`],
    ['200-character imd_ token', `imd_${'x'.repeat(196)}`],
    ['100 kB string', 'x'.repeat(100_000)],
    ['a staff JWT', userToken],
    ['lone surrogate', '\ud800'],
    ["SQL: ' OR 1=1 --", "imd_' OR 1=1 --"],
  ];
}
