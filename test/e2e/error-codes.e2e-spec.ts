import { randomUUID } from 'node:crypto';
import { ERROR_CODES, type ErrorCode } from '../../libs/contracts/src/index';
import type { RunningApp } from '../support/app';
import { Api, connected, connectSocket, sessionBody, unique, type Response, type World } from '../support/api';
import { useApp } from '../support/harness';

const LOGIN_MAX_FAILURES = 3;

/** Every REST error body is `{statusCode, error, code, message, details?}`, its code from the one list. */
function expectError(response: Response, status: number, code: ErrorCode): void {
  expect([response.status, response.body?.code]).toEqual([status, code]);
  expect(Object.keys(ERROR_CODES)).toContain(response.body.code);
  expect(response.body).toEqual({
    statusCode: status,
    error: expect.any(String),
    code,
    message: expect.any(String),
    ...(response.body.details === undefined ? {} : { details: expect.any(Object) }),
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('error codes in every error body', () => {
  let app: RunningApp;
  let world: World;

  /** A request as it leaves a client, headers and body as given. */
  async function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit }) {
    const response = await fetch(`${app.url}${path}`, { method: 'POST', ...init });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text), headers: response.headers } as Response;
  }

  useApp(
    { env: { LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) }, world: 1 },
    (started) => ({ app, world } = started),
  );

  it('gives refused input validation_failed: the validators, bad JSON, bad UTF-8, a bad path parameter', async () => {
    const invalid = await world.a.nurse.post('/sessions', { siteId: 'not-a-uuid' });
    expectError(invalid, 400, 'validation_failed');
    expect(invalid.body.details.errors).toEqual(expect.arrayContaining([expect.any(String)]));
    const token = world.a.nurse.token!;
    const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    expectError(await raw('/api/v1/sessions', { headers: json, body: '{"siteId": ' }), 400, 'validation_failed');
    const latin1 = Buffer.from('{"patientRef":"Müller"}', 'latin1');
    expectError(await raw('/api/v1/sessions', { headers: json, body: latin1 }), 400, 'validation_failed');
    expectError(await world.a.nurse.get('/sessions/not-a-uuid'), 400, 'validation_failed');
  });

  it('gives a body over the limit payload_too_large, and one that is not JSON unsupported_media_type', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${world.a.nurse.token}` };
    const big = JSON.stringify({ patientRef: 'x'.repeat(1_500_000) });
    expectError(await raw('/api/v1/sessions', { headers, body: big }), 413, 'payload_too_large');
    const text = { ...headers, 'content-type': 'text/plain' };
    expectError(await raw('/api/v1/sessions', { headers: text, body: 'hello' }), 415, 'unsupported_media_type');
  });

  it('gives unknown routes and records not_found, inside and outside /api/v1', async () => {
    expectError(await world.a.nurse.get('/nowhere'), 404, 'not_found');
    expectError(await world.a.nurse.get(`/sessions/${randomUUID()}`), 404, 'not_found');
    expectError(await new Api(app.url).request('GET', '/api/v2/sessions'), 404, 'not_found');
    expectError(await new Api(app.url).request('DELETE', '/health'), 404, 'not_found');
  });

  it('answers the FHIR route’s refusals with the same body', async () => {
    expectError(await world.a.nurse.get(`/sessions/${randomUUID()}/fhir`), 404, 'not_found');
    expectError(await world.a.nurse.get(`/sessions/${randomUUID()}/fhir?maxPoints=1`), 400, 'validation_failed');
  });

  it('refuses a socket handshake with its code in data.code, for /ward and /devices', async () => {
    for (const namespace of ['/ward', '/devices']) {
      const socket = connectSocket(app.url, namespace, { token: 'not-a-token' });
      const error = (await connected(socket).catch((e: unknown) => e)) as Error & { data?: { code?: string } };
      socket.close();
      expect([namespace, error.message, error.data]).toEqual([namespace, 'unauthorized', { code: 'unauthorized' }]);
    }
  });

  it('gives a missing or bad token unauthorized, and a role that may not forbidden', async () => {
    expectError(await new Api(app.url).get('/sessions'), 401, 'unauthorized');
    expectError(await new Api(app.url, 'not-a-token').get('/sessions'), 401, 'unauthorized');
    expectError(await world.a.nurse.get('/users'), 403, 'forbidden');
  });

  it('gives conflicts conflict or their specific code, and an unmet gate gate_not_met', async () => {
    const name = unique('site');
    await world.admin.ok('/sites', { name });
    expectError(await world.admin.post('/sites', { name }), 409, 'conflict');
    const device = world.a.devices[0]!;
    const session = await world.a.nurse.ok('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId));
    expectError(
      await world.a.nurse.post('/sessions', sessionBody(world.a.siteId, device.id, world.protocolId)),
      409,
      'device_busy',
    );
    const gate = await world.a.nurse.post(`/sessions/${session.id}/infusion-start`, {});
    expectError(gate, 422, 'gate_not_met');
    expect(gate.body.details.blockers).toEqual(['baseline_missing']);
    expectError(await world.a.nurse.post(`/sessions/${session.id}/infusion-end`, {}), 409, 'wrong_phase');
  });

  it('tells a wrong signing password (signature_password_wrong) from an ended sign-in (unauthorized)', async () => {
    const device = world.b.devices[0]!;
    const session = await world.b.nurse.ok('/sessions', sessionBody(world.b.siteId, device.id, world.protocolId));
    const wrong = await world.b.clinician.post(`/sessions/${session.id}/discharge-signoff`, {
      password: 'not-the-password',
      meaning: 'discharge_approved',
    });
    expectError(wrong, 401, 'signature_password_wrong');
    expect(wrong.body.message).toBe('Wrong password');
    expect((await world.b.clinician.get('/auth/me')).status).toBe(200);
    const change = await world.b.nurse.post('/auth/password', {
      currentPassword: 'not-the-password',
      newPassword: 'quiet-harbour-lantern-9',
    });
    expectError(change, 401, 'invalid_credentials');
    expect((await world.b.nurse.get('/auth/me')).status).toBe(200);
  });

  it('gives wrong sign-ins invalid_credentials, then throttled with the time to wait', async () => {
    const username = unique('nurse').toLowerCase();
    await world.admin.ok('/users', {
      username,
      displayName: 'N',
      role: 'nurse',
      password: `${randomUUID()}-Pw`,
      siteIds: [],
    });
    const api = new Api(app.url);
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      expectError(await api.post('/auth/login', { username, password: 'wrong-password' }), 401, 'invalid_credentials');
    }
    const throttled = await api.post('/auth/login', { username, password: 'wrong-password' });
    expectError(throttled, 429, 'throttled');
    expect(throttled.body.details.retryAfterSeconds).toBeGreaterThan(0);
  });
});
