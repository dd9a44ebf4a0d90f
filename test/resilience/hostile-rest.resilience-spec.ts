import { randomUUID } from 'node:crypto';
import { isErrorCode, PHASES, ROLES, SIGN_OFF_MEANING_CODES } from '../../libs/contracts/src/index';
import { mulberry32 } from '../../libs/vitals/src/index';
import { sessionBody } from '../support/api';
import { Problems, SEED, UUID, cases, pool, show } from '../support/hostile/values';
import { badUserTokens } from '../support/hostile/tokens';
import {
  type BodyEndpoint,
  type Expect,
  type RestCase,
  bodyCases,
  bodyCombinations,
  optional,
  parseJson,
  str,
  wholeBodyCases,
} from '../support/hostile/rest';
import { itEndsSound, useHostileService } from '../support/hostile/suite';

/**
 * Hostile input to every REST route (bad values per field, combinations, whole bodies that are not JSON).
 * Meanwhile the well-behaved monitor streams to a ward screen; the last test checks the end state
 * (the suite's rules: test/support/hostile/suite.ts).
 */
/** The answered cases this file makes from the seed, at least. */
const MIN_CASES = 2_700;

describe('hostile input', () => {
  const service = useHostileService();

  it('REST: answers every hostile request with a 4xx and the contract error body', async () => {
    const { app, world, goodSessionId, hostileSessionId, nurseBId, protocolRules } = service;
    const problems = new Problems();
    const { admin, b } = world;
    const anonymous = null;
    const now = new Date().toISOString();
    const unknownId = randomUUID();
    const at = (path: string) => `/api/v1${path}`;
    const endpoints: BodyEndpoint[] = [
      {
        name: 'POST /auth/login',
        method: 'POST',
        path: at('/auth/login'),
        token: anonymous,
        schema: { username: str(1, 64), password: str(1, 200) },
        valid: { username: 'nobody-by-this-name', password: 'not-the-password' },
      },
      {
        name: 'POST /users',
        method: 'POST',
        path: at('/users'),
        token: admin.token!,
        schema: {
          username: str(3, 64, ['UPPER', 'a b', 'ab', 'root;--', 'ünïcode', '../etc']),
          displayName: str(1, 120),
          role: { type: 'enum', values: ROLES },
          password: str(12, 200),
          siteIds: { type: 'uuids' },
        },
        valid: {
          username: 'hostile-user',
          displayName: 'H',
          role: 'nurse',
          password: 'long-enough-password',
          siteIds: [b.siteId],
        },
      },
      {
        name: 'PATCH /users/:id',
        method: 'PATCH',
        path: at(`/users/${nurseBId}`),
        token: admin.token!,
        schema: {
          displayName: optional(str(1, 120)),
          role: optional({ type: 'enum', values: ROLES }),
          siteIds: optional({ type: 'uuids' }),
          active: optional({ type: 'bool' }),
          password: optional(str(12, 200)),
        },
        valid: { displayName: 'Renamed by an attacker' },
      },
      {
        name: 'POST /sites',
        method: 'POST',
        path: at('/sites'),
        token: admin.token!,
        schema: { name: str(1, 120), timezone: optional({ type: 'timezone' }) },
        valid: { name: 'hostile-site', timezone: 'Europe/London' },
      },
      {
        name: 'POST /devices',
        method: 'POST',
        path: at('/devices'),
        token: admin.token!,
        schema: { siteId: { type: 'uuid' }, name: str(1, 120) },
        valid: { siteId: b.siteId, name: 'hostile-device' },
      },
      {
        name: 'POST /protocols',
        method: 'POST',
        path: at('/protocols'),
        token: admin.token!,
        schema: {
          key: str(2, 64, ['UPPER', 'a_b', 'a b', 'x', 'é']),
          name: str(1, 200),
          route: { type: 'enum', values: ['iv', 'intranasal'] },
          rules: { type: 'rules' },
        },
        valid: { key: 'hostile-protocol', name: 'H', route: 'iv', rules: protocolRules },
      },
      {
        name: 'POST /sessions',
        method: 'POST',
        path: at('/sessions'),
        token: b.nurse.token!,
        schema: {
          siteId: { type: 'uuid' },
          patientRef: str(1, 64),
          chair: str(1, 40),
          deviceId: { type: 'uuid' },
          protocolId: { type: 'uuid' },
          weightKg: { type: 'number', min: 20, max: 350 },
          plannedDoseMgPerKg: { type: 'number', min: 0.01, max: 5 },
          seriesNumber: { type: 'int', min: 1, max: 1000 },
          consent: { type: 'object', fields: { obtainedAt: { type: 'datetime' }, witnessedBy: str(1, 120) } },
        },
        valid: sessionBody(b.siteId, b.devices[3]!.id, world.protocolId),
      },
      {
        name: 'POST /sessions/:id/infusion-start',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/infusion-start`),
        token: b.nurse.token!,
        schema: { overrideReason: optional(str(3, 500)) },
        valid: { overrideReason: 'hostile override' },
      },
      {
        name: 'POST /sessions/:id/abort',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/abort`),
        token: b.nurse.token!,
        schema: { reason: str(3, 500) },
        valid: { reason: 'hostile abort' },
      },
      {
        name: 'POST /sessions/:id/recovery-observations',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/recovery-observations`),
        token: b.nurse.token!,
        schema: {
          observedAt: { type: 'datetime' },
          // Every item is optional: one not assessed is left out, never defaulted.
          moaas: optional({ type: 'int', min: 0, max: 5 }),
          oriented: optional({ type: 'bool' }),
          steadyGait: optional({ type: 'bool' }),
          nausea: optional({ type: 'enum', values: ['none', 'mild', 'moderate', 'severe'] }),
          pain: optional({ type: 'int', min: 0, max: 10 }),
          notes: optional(str(0, 2000)),
        },
        valid: { observedAt: now, moaas: 5, oriented: true, steadyGait: true, nausea: 'none', pain: 0, notes: 'n' },
      },
      {
        name: 'PUT /sessions/:id/discharge-checklist',
        method: 'PUT',
        path: at(`/sessions/${hostileSessionId}/discharge-checklist`),
        token: b.nurse.token!,
        schema: {
          escort: {
            type: 'object',
            fields: {
              name: str(1, 120),
              relationship: str(1, 60),
              phone: str(6, 24, ['call me', '12345', '+'.repeat(30), '555-CALL-NOW']),
            },
          },
          escortPresentAt: optional({ type: 'datetime' }),
          noDrivingAcknowledged: { type: 'bool' },
          instructionsGiven: { type: 'bool' },
          belongingsReturned: { type: 'bool' },
          followUpAt: optional({ type: 'datetime' }),
        },
        valid: {
          escort: { name: 'E', relationship: 'sister', phone: '+44 7700 900123' },
          escortPresentAt: now,
          noDrivingAcknowledged: true,
          instructionsGiven: true,
          belongingsReturned: true,
          followUpAt: now,
        },
      },
      {
        name: 'POST /sessions/:id/discharge-signoff',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/discharge-signoff`),
        token: b.clinician.token!,
        schema: {
          password: str(1, 200),
          meaning: { type: 'enum', values: SIGN_OFF_MEANING_CODES },
          overrideReason: optional(str(0, 1000)),
        },
        valid: {
          password: 'not-the-password',
          meaning: 'discharge_approved_override',
          overrideReason: 'A hostile reason that is still a sentence',
        },
      },
      {
        name: 'POST /sessions/:id/addenda',
        method: 'POST',
        path: at(`/sessions/${hostileSessionId}/addenda`),
        token: b.nurse.token!,
        schema: { text: str(1, 5000) },
        valid: { text: 'hostile addendum' },
      },
      {
        name: 'POST /alerts/:id/acknowledge',
        method: 'POST',
        path: at(`/alerts/${unknownId}/acknowledge`),
        token: b.nurse.token!,
        schema: { note: optional(str(0, 1000)) },
        valid: { note: 'hostile note' },
      },
    ];
    const random = mulberry32(SEED + 4);
    const restCases: RestCase[] = endpoints.flatMap((e) => [
      ...bodyCases(e),
      ...bodyCombinations(e, 45, random),
      ...wholeBodyCases(e),
    ]);

    // Query strings of the endpoints that take one.
    const BAD_QUERY: Record<string, string[]> = {
      uuid: ['not-a-uuid', '', '%00', '1', "'%20OR%201=1--", `${UUID}x`, '%ff', `${UUID}%00`],
      phase: ['BASELINE', 'unknown', '', '%00', 'baseline%00', '__proto__'],
      datetime: ['garbage', '', '2026-02-30T10:00:00Z', '1e309', 'NaN', '0', '-1', 'null', 'x'.repeat(5000), '%00'],
      maxPoints: [
        '1e309',
        '-1',
        '0',
        '9',
        '20001',
        'NaN',
        'Infinity',
        '-Infinity',
        '1.5',
        'abc',
        '',
        '9'.repeat(400),
        '%00',
        '1e5',
      ],
      limit: ['1e309', '-1', '0', '1001', 'NaN', '1.5', 'abc', '', '%00', '9'.repeat(400)],
      str100: ['x'.repeat(101), '%00', 'a%00b', `${'x'.repeat(50)}%00`],
      str40: ['x'.repeat(41), '%00'],
      action: ['SESSION.READ', 'session.*.*', '*', '', '%00', 'a%20b', "session';--"],
      cursor: ['abc', '9'.repeat(19), '-1', '1.5', '', '%00', '1e3'],
      format: ['xml', 'CSV', '', 'csv%00', 'json', 'ndjson%20'],
    };
    const VALID_QUERY: Record<string, string> = {
      uuid: b.siteId,
      phase: PHASES[0],
      datetime: '2026-01-01T00:00:00Z',
      maxPoints: '100',
      limit: '10',
      str100: 'admin',
      str40: 'session',
      action: 'session.read',
      cursor: '1',
      format: 'csv',
    };
    const queryEndpoints: { name: string; path: string; token: string; params: Record<string, string> }[] = [
      {
        name: 'GET /sessions',
        path: at('/sessions'),
        token: b.nurse.token!,
        params: { siteId: 'uuid', phase: 'phase', from: 'datetime', to: 'datetime' },
      },
      {
        name: 'GET /sessions/:id/readings',
        path: at(`/sessions/${hostileSessionId}/readings`),
        token: b.nurse.token!,
        params: { from: 'datetime', to: 'datetime', maxPoints: 'maxPoints' },
      },
      {
        name: 'GET /audit',
        path: at('/audit'),
        token: admin.token!,
        params: {
          actor: 'str100',
          action: 'action',
          entityType: 'str40',
          entityId: 'str100',
          siteId: 'uuid',
          from: 'datetime',
          to: 'datetime',
          cursor: 'cursor',
          limit: 'limit',
        },
      },
      {
        name: 'GET /audit/export',
        path: at('/audit/export'),
        token: admin.token!,
        params: { format: 'format', actor: 'str100', from: 'datetime' },
      },
    ];
    const UNKNOWN_QUERY = ['foo=1', '__proto__=1', 'constructor=1', 'toString=1', 'hasOwnProperty=1', 'a[b]=1', '=1'];
    UNKNOWN_QUERY.push('%00=1', 'maxPoints[]=10', 'from[gt]=x', `${'k'.repeat(1000)}=1`);
    for (const e of queryEndpoints) {
      const add = (label: string, queryString: string) =>
        restCases.push({
          target: 'REST query strings',
          label: `${e.name} ?${label}`,
          method: 'GET',
          path: `${e.path}?${queryString}`,
          token: e.token,
          expect: [400],
        });
      for (const [param, kind] of Object.entries(e.params)) {
        for (const bad of BAD_QUERY[kind]!) add(`${param}=${show(bad)}`, `${param}=${bad}`);
        add(`${param} twice`, `${param}=${VALID_QUERY[kind]}&${param}=${VALID_QUERY[kind]}`);
      }
      for (const q of UNKNOWN_QUERY) add(show(q), q);
    }

    // Path parameters that are not ids.
    const BAD_IDS = [
      'not-a-uuid',
      '1',
      '0',
      '-1',
      'null',
      'undefined',
      'true',
      '%00',
      '%ff',
      '%E0%A4%A',
      '..%2F..%2Fetc%2Fpasswd',
    ];
    BAD_IDS.push('%27%20OR%201%3D1--', 'x'.repeat(5000), `${UUID}0`, UUID.slice(0, -1), `%7B${UUID}%7D`, '__proto__');
    BAD_IDS.push('constructor', UUID.replace(/-/g, ''), `${UUID}%00`, '%F0%9F%98%80');
    const pathEndpoints: { method: string; path: (id: string) => string; token: string; body?: object }[] = [
      { method: 'GET', path: (id) => `/sessions/${id}`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/readings`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/alerts`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/discharge-readiness`, token: b.nurse.token! },
      { method: 'GET', path: (id) => `/sessions/${id}/record`, token: b.nurse.token! },
      { method: 'POST', path: (id) => `/sessions/${id}/infusion-end`, token: b.nurse.token!, body: {} },
      {
        method: 'POST',
        path: (id) => `/sessions/${id}/abort`,
        token: b.nurse.token!,
        body: { reason: 'hostile abort' },
      },
      { method: 'POST', path: (id) => `/sessions/${id}/addenda`, token: b.nurse.token!, body: { text: 'hostile' } },
      { method: 'PATCH', path: (id) => `/users/${id}`, token: admin.token!, body: { displayName: 'hostile' } },
      { method: 'POST', path: (id) => `/devices/${id}/revoke`, token: admin.token!, body: {} },
      { method: 'POST', path: (id) => `/alerts/${id}/acknowledge`, token: b.nurse.token!, body: {} },
    ];
    for (const e of pathEndpoints) {
      const add = (label: string, id: string, expect: Expect) =>
        restCases.push({
          target: 'REST path params',
          label: `${e.method} ${e.path(':id')} id=${label}`,
          method: e.method,
          path: at(e.path(id)),
          token: e.token,
          body: e.body && JSON.stringify(e.body),
          expect,
        });
      for (const id of BAD_IDS) add(show(id), id, [400]);
      add('nil uuid', '00000000-0000-0000-0000-000000000000', [400, 404]);
      add('unknown uuid', randomUUID(), [404]);
      add('another site’s session', goodSessionId, [404]);
    }

    // Authentication: every bad token, every malformed header, on a nurse endpoint.
    // What a header can carry at all (HTTP trims surrounding spaces, so those tokens would arrive intact).
    const headerSafe = (t: unknown): t is string =>
      typeof t === 'string' && /^[\x20-\x7e]*$/.test(t) && t.length < 8000 && t.trim() === t;
    for (const [label, token] of badUserTokens(nurseBId, b.nurse.token!, b.devices[0]!.token))
      if (headerSafe(token))
        restCases.push({
          target: 'REST auth',
          label,
          method: 'GET',
          path: at('/sessions'),
          headers: { authorization: `Bearer ${token}` },
          expect: [401],
        });
    for (const header of [
      'Bearer',
      'Bearer  ',
      'Basic YWRtaW46YWRtaW4=',
      `Token ${b.nurse.token}`,
      `Bearer ${b.nurse.token} extra`,
      `Bearer ${b.nurse.token},Bearer ${b.nurse.token}`,
      `Bearer ${'x'.repeat(7000)}`,
      `${b.nurse.token}`,
    ])
      restCases.push({
        target: 'REST auth',
        label: show(header),
        method: 'GET',
        path: at('/sessions'),
        headers: { authorization: header },
        expect: [401],
      });
    restCases.push({ target: 'REST auth', label: 'no token', method: 'GET', path: at('/sessions'), expect: [401] });

    // Below the API: routes and methods that do not exist, headers and URLs over Node's limits.
    for (const [method, path] of [
      ['GET', '/api/v1/nothing'],
      ['GET', '/api/v1/sessions/x/y/z'],
      ['DELETE', '/api/v1/sessions'],
      ['DELETE', `/api/v1/users/${nurseBId}`],
      ['PUT', '/api/v1/sites'],
      ['PROPFIND', '/api/v1/sites'],
      ['POST', '/api/v1/health'],
    ])
      restCases.push({
        target: 'REST transport',
        label: `${method} ${path}`,
        method,
        path: path!,
        token: b.nurse.token!,
        expect: [404],
      });
    restCases.push({
      target: 'REST transport',
      label: '20 kB header',
      method: 'GET',
      path: at('/sessions'),
      headers: { 'x-junk': 'x'.repeat(20_000) },
      expect: [431],
      transport: true,
    });
    restCases.push({
      target: 'REST transport',
      label: '20 kB URL',
      method: 'GET',
      path: at(`/sessions?from=${'x'.repeat(20_000)}`),
      expect: [414, 431],
      transport: true,
    });
    restCases.push({
      target: 'REST transport',
      label: '20 kB token',
      method: 'GET',
      path: at('/sessions'),
      headers: { authorization: `Bearer ${'x'.repeat(20_000)}` },
      expect: [431],
      transport: true,
    });
    // engine.io's own HTTP endpoint.
    for (const [label, method, path, body] of [
      ['protocol 3', 'GET', '/socket.io/?EIO=3&transport=polling', undefined],
      ['protocol 5', 'GET', '/socket.io/?EIO=5&transport=polling', undefined],
      ['no protocol', 'GET', '/socket.io/?transport=polling', undefined],
      ['unknown transport', 'GET', '/socket.io/?EIO=4&transport=carrier-pigeon', undefined],
      ['unknown session id', 'GET', '/socket.io/?EIO=4&transport=polling&sid=abc', undefined],
      ['POST without a session', 'POST', '/socket.io/?EIO=4&transport=polling', 'junk'],
      ['POST to an unknown session', 'POST', '/socket.io/?EIO=4&transport=polling&sid=abc', '4junk'],
      ['websocket without upgrade', 'GET', '/socket.io/?EIO=4&transport=websocket', undefined],
    ] as [string, string, string, string | undefined][])
      restCases.push({
        target: 'engine.io handshake',
        label,
        method,
        path,
        body,
        contentType: 'text/plain',
        expect: 'any4xx',
        transport: true,
      });

    await pool(restCases, 8, async (c) => {
      const headers: Record<string, string> = { ...c.headers };
      if (c.token) headers.authorization = `Bearer ${c.token}`;
      const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
      if (c.body !== undefined && contentType) headers['content-type'] = contentType;
      let status: number;
      let text = '';
      try {
        const response = await fetch(`${app.url}${c.path}`, {
          method: c.method,
          headers,
          body: typeof c.body === 'string' || c.body === undefined ? c.body : new Uint8Array(c.body),
          signal: AbortSignal.timeout(15_000),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const closed = !(error instanceof Error && error.name === 'TimeoutError');
        if (!(closed && c.mayClose)) problems.add(c.target, c.label, `no answer: ${(error as Error).message}`);
        cases.add(c.target, closed && c.mayClose ? 'connection closed' : 'WRONG');
        return;
      }
      const expected = c.expect === 'any4xx' ? status >= 400 && status < 500 : c.expect.includes(status);
      let problem = expected ? null : `answered ${status}: ${text.slice(0, 200)}`;
      if (!problem && !c.transport) {
        const body = parseJson(text) as {
          statusCode?: unknown;
          error?: unknown;
          code?: unknown;
          message?: unknown;
        } | null;
        if (
          !body ||
          body.statusCode !== status ||
          typeof body.error !== 'string' ||
          !isErrorCode(body.code) ||
          typeof body.message !== 'string'
        )
          problem = `the body is not the contract's error body: ${text.slice(0, 200)}`;
      }
      if (problem) problems.add(c.target, c.label, problem);
      cases.add(c.target, problem ? 'WRONG' : String(status));
    });
    expect(problems.summary()).toEqual({ count: 0, first: [] });
  }, 150_000);

  itEndsSound(service, MIN_CASES);
});
