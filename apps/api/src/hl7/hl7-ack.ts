import { type Hl7Message, Hl7Segment } from '@medplum/core';
import { formatDtm } from './hl7-time.js';
import type { Hl7Problem } from './pcd01-mapping.js';

export const RECEIVING_APPLICATION = 'INFUSION_MONITOR';

/** Text from us or from the sender, made safe to put in a field (HL7 escape sequences, one line, bounded). */
export function escapeHl7(text: string): string {
  return text
    .slice(0, 200)
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(/[\r\n]/g, ' ')
    .replace(/[^\P{Cc}\t]/gu, ' ');
}

const TABLE_0357: Record<number, string> = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  202: 'Unsupported processing id',
  203: 'Unsupported version id',
  204: 'Unknown key identifier',
  205: 'Duplicate key identifier',
  206: 'Application record locked',
  207: 'Application internal error',
};

/** ERR (v2.5+): location, HL7 error code (table 0357), severity, our code, and the text for people. */
export function errSegment(problem: Hl7Problem): string {
  const at = problem.location
    ? [problem.location.segment, problem.location.sequence, problem.location.field ?? ''].join('^')
    : '';
  const text = escapeHl7(problem.message);
  return `ERR||${at}|${problem.hl7Error}^${TABLE_0357[problem.hl7Error] ?? 'Error'}^HL70357|E|${problem.code}^${text}^L|||${text}`;
}

/** The acknowledgement of a message we could read: AA, or AE/AR with its ERR. */
export function ackOf(message: Hl7Message, problem: Hl7Problem | null): string {
  const ack = problem
    ? message.buildAck({ ackCode: problem.ack, errSegment: Hl7Segment.parse(errSegment(problem), message.context) })
    : message.buildAck({ ackCode: 'AA' });
  ack.header.setField(3, RECEIVING_APPLICATION);
  ack.header.setField(7, formatDtm(Date.now()));
  return ack.toString();
}

let nakCounter = 0;

/** A NAK for bytes that were not an HL7 message at all: no control id to answer to. */
export function nakOfUnreadable(problem: Hl7Problem): string {
  const now = Date.now();
  const id = `NAK${now}${(nakCounter = (nakCounter + 1) % 1000)}`;
  return [
    `MSH|^~\\&|${RECEIVING_APPLICATION}||||${formatDtm(now)}||ACK|${id}|P|2.6`,
    `MSA|${problem.ack}||${escapeHl7(problem.message)}`,
    errSegment(problem),
  ].join('\r');
}
