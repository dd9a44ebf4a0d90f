import { Hl7Message } from '@medplum/core';
import { ackOf, errSegment, escapeHl7, nakOfUnreadable } from './hl7-ack.js';

const MESSAGE = Hl7Message.parse(
  'MSH|^~\\&|GW|ICU|||20261130100000+0000||ORU^R01^ORU_R01|C42|P|2.6\rOBX|1|NM|150021^X^MDC',
);

describe('acknowledgements', () => {
  it('answers AA to the message control id, as INFUSION_MONITOR, to the sender', () => {
    const ack = ackOf(MESSAGE, null).split('\r');
    expect(ack[0]).toMatch(/^MSH\|\^~\\&\|INFUSION_MONITOR\|\|GW\|ICU\|\d{14}\+0000\|\|ACK/);
    expect(ack[1]).toMatch(/^MSA\|AA\|C42(\||$)/);
    expect(ack).toHaveLength(2);
  });

  it('names the problem in ERR: location, HL7 table 0357 code, our code, and the text', () => {
    const ack = ackOf(MESSAGE, {
      ack: 'AE',
      code: 'unit_unsupported',
      hl7Error: 103,
      message: 'OBX 1: unit "a|b^c" cannot be converted',
      location: { segment: 'OBX', sequence: 1, field: 6 },
    }).split('\r');
    expect(ack[1]).toMatch(/^MSA\|AE\|C42/);
    const err = ack[2]!.split('|');
    expect(err.slice(0, 5)).toEqual(['ERR', '', 'OBX^1^6', '103^Table value not found^HL70357', 'E']);
    expect(err[5]).toBe('unit_unsupported^OBX 1: unit "a\\F\\b\\S\\c" cannot be converted^L');
    expect(err[8]).toBe('OBX 1: unit "a\\F\\b\\S\\c" cannot be converted');
  });

  it('escapes every delimiter and control character, and bounds the text', () => {
    expect(escapeHl7('a|b^c&d~e\\f\rg\x0bh\x1ci')).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f g h i');
    expect(escapeHl7('x'.repeat(500))).toHaveLength(200);
  });

  it('answers bytes that are no message with an AR and no control id', () => {
    const nak = nakOfUnreadable({ ack: 'AR', code: 'malformed', hl7Error: 100, message: 'not HL7' }).split('\r');
    expect(nak[1]).toBe('MSA|AR||not HL7');
    expect(nak[2]).toBe(errSegment({ ack: 'AR', code: 'malformed', hl7Error: 100, message: 'not HL7' }));
    expect(Hl7Message.parse(nak.join('\r')).getSegment('MSA')?.getField(1)?.toString()).toBe('AR');
  });
});
