import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hl7Message } from '@medplum/core';
import fc from 'fast-check';
import { readPcd01 } from './pcd01-mapping.js';
import { parseDtm } from './hl7-time.js';

const fixture = (name: string) =>
  readFileSync(path.join(__dirname, '../../../../test/fixtures/hl7', name), 'utf8')
    .trim()
    .split('\n')
    .join('\r');

const MSH = 'MSH|^~\\&|GW^0011223344556677^EUI-64|WARD|||20261130100000+0000||ORU^R01^ORU_R01|C1|P|2.6';
const msg = (...segments: string[]) => Hl7Message.parse([MSH, ...segments].join('\r'));
const obx = (code: string, value: string, unit: string, status = 'F', system = 'MDC', time = '') =>
  `OBX|1|NM|${code}^X^${system}|1|${value}|${unit}|||||${status}|||${time}`;

describe('readPcd01', () => {
  it('reads the IHE PCD-01 blood pressure example: MDC codes, mmHg, OBR-7 time, EUI-64s of MSH-3 and OBX-18', () => {
    const result = readPcd01(Hl7Message.parse(fixture('ihe-pcd01-nibp-acme.hl7')));
    expect(result).toEqual({
      ok: true,
      controlId: 'MSGID1234',
      source: {
        application: 'AcmeInc^ACDE48234567ABCD^EUI-64',
        applicationName: 'AcmeInc',
        facility: '',
        facilityName: '',
        eui64s: ['ACDE48234567ABCD', '0123456789ABCDEF'],
        bed: null,
      },
      readings: [
        {
          recordedAtMs: Date.parse('2009-08-13T04:57:15Z'),
          values: { sbp: 120, dbp: 80, map: 100 },
          from: { sbp: 3, dbp: 4, map: 5 },
        },
      ],
      ignored: 2,
    });
  });

  it('reads the multi-parameter example: ECG heart rate wins over the invasive pulse; UCUM units; PV1-3 bed', () => {
    const result = readPcd01(Hl7Message.parse(fixture('ihe-pcd01-multiparameter-aware.hl7')));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.source.bed).toBe('3 WEST ICU^3001^1');
    expect(result.source.eui64s).toEqual(['080019FFFF4F6AC0']);
    expect(result.readings).toHaveLength(1);
    expect(result.readings[0]!.values).toEqual({ hr: 60 });
  });

  it('reads the vendor spot check: first SpO2 kept, vendor codes and empty values left out', () => {
    const result = readPcd01(Hl7Message.parse(fixture('comen-vital-signs-monitor.hl7')));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.readings).toEqual([
      {
        recordedAtMs: Date.parse('2025-06-09T17:51:27Z'),
        values: { spo2: 97, hr: 59, rr: 20, temp: 37, sbp: 120, dbp: 80, map: 90 },
        from: { spo2: 1, hr: 3, rr: 6, temp: 7, sbp: 8, dbp: 9, map: 10 },
      },
    ]);
    expect(result.source.bed).toBe('^^&10');
  });

  it('converts kPa and °F, accepts LOINC codes with UCUM units', () => {
    const result = readPcd01(
      msg(
        obx('150021', '16', 'kPa^kPa^UCUM'),
        obx('150344', '98.6', '[degF]^[degF]^UCUM'),
        obx('8867-4', '71', '/min', 'F', 'LN'),
      ),
    );
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.readings[0]!.values).toEqual({ sbp: 120, temp: 37, hr: 71 });
  });

  it('leaves out sentinels, negative values and statuses that carry no value', () => {
    const result = readPcd01(
      msg(
        obx('150456', '-999', '262688^MDC_DIM_PERCENT^MDC'),
        obx('147842', '-100', '264864'),
        obx('151562', '14', '264928', 'X'),
        obx('150344', '36.8', '268192', 'D'),
        obx('150021', '8388607', '266016'),
        obx('149530', '64', '264864', 'C'),
      ),
    );
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.readings).toEqual([expect.objectContaining({ values: { hr: 64 } })]);
    expect(result.ignored).toBe(5);
  });

  it('groups observations by their own time (OBX-14) before the OBR time', () => {
    const result = readPcd01(
      msg(
        'OBR|1||||||20261130100000+0000',
        obx('150456', '97', '262688', 'F', 'MDC', '20261130100001+0000'),
        obx('147842', '80', '264864', 'F', 'MDC', '20261130100002+0000'),
        obx('149530', '79', '264864'),
      ),
    );
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.readings.map((r) => [new Date(r.recordedAtMs).toISOString(), r.values])).toEqual([
      ['2026-11-30T10:00:00.000Z', { hr: 79 }],
      ['2026-11-30T10:00:01.000Z', { spo2: 97 }],
      ['2026-11-30T10:00:02.000Z', { hr: 80 }],
    ]);
  });

  it.each([
    [
      'a unit that cannot be converted',
      obx('150021', '120', '264864^MDC_DIM_BEAT_PER_MIN^MDC'),
      'AE',
      'unit_unsupported',
      'OBX',
      6,
    ],
    ['an unknown unit', obx('150021', '120', 'furlongs'), 'AE', 'unit_unsupported', 'OBX', 6],
    ['no unit', obx('150021', '120', ''), 'AE', 'unit_missing', 'OBX', 6],
    ['a value that is not a number', obx('150021', '12O', '266016'), 'AE', 'validation_failed', 'OBX', 5],
    [
      'an observation time that is not one',
      obx('150021', '120', '266016', 'F', 'MDC', '2026113'),
      'AE',
      'validation_failed',
      'OBX',
      14,
    ],
  ])('refuses %s with the location of the problem', (_, segment, ack, code, at, field) => {
    const result = readPcd01(msg(segment));
    expect(result).toMatchObject({
      ok: false,
      controlId: 'C1',
      problem: { ack, code, location: { segment: at, sequence: 1, field } },
    });
  });

  it.each([
    ['ADT^A01', 'unsupported_message_type', 200],
    ['ORU^R30', 'unsupported_message_type', 201],
  ])('refuses message type %s (AR)', (type, code, hl7Error) => {
    const result = readPcd01(Hl7Message.parse(MSH.replace('ORU^R01^ORU_R01', type)));
    expect(result).toMatchObject({ ok: false, problem: { ack: 'AR', code, hl7Error } });
  });

  it('refuses training messages, unknown versions and a missing control id (AR)', () => {
    expect(readPcd01(Hl7Message.parse(MSH.replace('|P|2.6', '|T|2.6')))).toMatchObject({
      problem: { code: 'unsupported_processing_id' },
    });
    expect(readPcd01(Hl7Message.parse(MSH.replace('|P|2.6', '|P|3.0')))).toMatchObject({
      problem: { code: 'unsupported_version' },
    });
    expect(readPcd01(Hl7Message.parse(MSH.replace('|C1|', '||')))).toMatchObject({
      controlId: null,
      problem: { ack: 'AR', hl7Error: 101 },
    });
  });

  it('never throws, whatever the segments say', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 8 }), (fields) => {
        const result = readPcd01(msg(`OBX|${fields.join('|')}`, `OBR|${fields.join('|')}`));
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('parseDtm', () => {
  it('reads offsets, fractions, and refuses impossible dates and low precision', () => {
    expect(parseDtm('20090813095715+0500')).toBe(Date.parse('2009-08-13T04:57:15Z'));
    expect(parseDtm('20261130101010.25-0130')).toBe(Date.parse('2026-11-30T11:40:10.250Z'));
    expect(parseDtm('20260231101010+0000')).toBeNull();
    expect(parseDtm('2026113010')).toBeNull();
    expect(parseDtm('nonsense')).toBeNull();
  });
});
