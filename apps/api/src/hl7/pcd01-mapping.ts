import type { Hl7Message, Hl7Segment } from '@medplum/core';
import type { MeasuredValues } from '#contracts';
import {
  LOINC_OBSERVATIONS,
  LOINC_SYSTEMS,
  MDC_OBSERVATIONS,
  MDC_SYSTEMS,
  QUANTITY_OF,
  SENTINELS,
  type Target,
  UNITS,
  VALUE_STATUSES,
} from './pcd01-codes.js';
import { parseDtm } from './hl7-time.js';

type Field = keyof MeasuredValues;

/**
 * Why a message is not filed, as the ERR segment tells it: `ack` AR when the message as a whole is
 * refused (type, version, source, or a condition unrelated to content: the gateway may resend), AE
 * when its content is wrong (resending it unchanged will not help). `hl7Error` is from HL7 table 0357.
 */
export interface Hl7Problem {
  ack: 'AE' | 'AR';
  code: string;
  hl7Error: number;
  message: string;
  /** Error location (ERL): segment, its position among segments of that name (1-based), field. */
  location?: { segment: string; sequence: number; field?: number };
}

/** Who says they sent the message: matched against registered HL7 sources. */
export interface SourceClaim {
  /** MSH-3 as sent, and its namespace id (first component). */
  application: string;
  applicationName: string;
  facility: string;
  facilityName: string;
  /** EUI-64s (upper-case hex) named in OBX-18, OBR-3 or MSH-3. */
  eui64s: string[];
  /** PV1-3 as sent (point of care^room^bed…), trailing empty components dropped. */
  bed: string | null;
}

/** One moment's measurements, in the contract's units, with the OBX each came from (for error locations). */
export interface MappedReading {
  recordedAtMs: number;
  values: Partial<MeasuredValues>;
  from: Partial<Record<Field, number>>;
}

export type Pcd01Reading =
  | { ok: true; controlId: string; source: SourceClaim; readings: MappedReading[]; ignored: number }
  | { ok: false; controlId: string | null; problem: Hl7Problem };

const SUPPORTED_VERSIONS = /^2\.[3-9](\.\d+)?$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const EUI64 = /^[0-9A-F]{16}$/;
const MAX_CONTROL_ID = 199;

const refuse = (
  controlId: string | null,
  ack: 'AE' | 'AR',
  code: string,
  hl7Error: number,
  message: string,
  location?: Hl7Problem['location'],
): Pcd01Reading => ({ ok: false, controlId, problem: { ack, code, hl7Error, message, location } });

const trimComponents = (text: string) => text.replace(/\^+$/, '').trim();
const eui64Of = (text: string) => {
  const hex = text.replace(/[-:\s]/g, '').toUpperCase();
  return EUI64.test(hex) ? hex : null;
};

function targetOf(obx: Hl7Segment): Target | undefined {
  const code = obx.getComponent(3, 1).trim();
  const system = obx.getComponent(3, 3).trim().toUpperCase();
  if (MDC_SYSTEMS.has(system)) return MDC_OBSERVATIONS[code];
  if (LOINC_SYSTEMS.has(system)) return LOINC_OBSERVATIONS[code];
  // PCD-01 alternate coding (OBX-3 components 4–6) carries the other system when the first is local.
  const altSystem = obx.getComponent(3, 6).trim().toUpperCase();
  const altCode = obx.getComponent(3, 4).trim();
  if (MDC_SYSTEMS.has(altSystem)) return MDC_OBSERVATIONS[altCode];
  if (LOINC_SYSTEMS.has(altSystem)) return LOINC_OBSERVATIONS[altCode];
  return undefined;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/**
 * An IHE PCD-01 ORU^R01 as readings: observations grouped by their time (OBX-14, else the OBR's
 * OBR-7, else MSH-7), mapped by MDC or LOINC code, converted to the contract's units. Observations we
 * do not monitor, without a value, with a status that carries none, or with a device sentinel are
 * left out; a value or unit we cannot read refuses the whole message (it is never half filed).
 */
export function readPcd01(message: Hl7Message): Pcd01Reading {
  const msh = message.getSegment('MSH');
  if (!msh || message.segments[0] !== msh)
    return refuse(null, 'AR', 'malformed', 100, 'the message must begin with MSH');
  const controlId = msh.getField(10)?.toString().trim() ?? '';
  if (!controlId || controlId.length > MAX_CONTROL_ID) {
    return refuse(null, 'AR', 'malformed', 101, 'MSH-10 (message control id) is required', loc('MSH', 1, 10));
  }
  const type = msh.getComponent(9, 1).trim();
  const event = msh.getComponent(9, 2).trim();
  if (type !== 'ORU') {
    return refuse(
      controlId,
      'AR',
      'unsupported_message_type',
      200,
      `message type ${type.slice(0, 10) || '(none)'} is not accepted; send ORU^R01`,
      loc('MSH', 1, 9),
    );
  }
  if (event !== 'R01') {
    return refuse(
      controlId,
      'AR',
      'unsupported_message_type',
      201,
      `event ${event.slice(0, 10) || '(none)'} is not accepted; send ORU^R01`,
      loc('MSH', 1, 9),
    );
  }
  const processing = msh.getComponent(11, 1).trim();
  if (processing !== 'P') {
    return refuse(
      controlId,
      'AR',
      'unsupported_processing_id',
      202,
      'only production messages (MSH-11 P) are filed',
      loc('MSH', 1, 11),
    );
  }
  const version = msh.getComponent(12, 1).trim();
  if (!SUPPORTED_VERSIONS.test(version)) {
    return refuse(
      controlId,
      'AR',
      'unsupported_version',
      203,
      `HL7 version ${version.slice(0, 10) || '(none)'} is not supported (2.3 to 2.9)`,
      loc('MSH', 1, 12),
    );
  }
  const application = trimComponents(msh.getField(3)?.toString() ?? '');
  if (!application)
    return refuse(controlId, 'AR', 'unknown_source', 101, 'MSH-3 (sending application) is required', loc('MSH', 1, 3));

  const eui64s = new Set<string>();
  if (msh.getComponent(3, 3).trim().toUpperCase() === 'EUI-64') addEui(eui64s, msh.getComponent(3, 2));
  const messageTime = parseDtm(msh.getComponent(7, 1));
  let groupTime: number | null = messageTime;
  const byTime = new Map<number, MappedReading & { rank: Partial<Record<Field, number>> }>();
  let ignored = 0;
  let obxSequence = 0;
  for (const segment of message.segments) {
    if (segment.name === 'OBR') {
      const observed = segment.getComponent(7, 1).trim();
      groupTime = observed ? parseDtm(observed) : messageTime;
      if (segment.getComponent(3, 4).trim().toUpperCase() === 'EUI-64') addEui(eui64s, segment.getComponent(3, 3));
      continue;
    }
    if (segment.name !== 'OBX') continue;
    const n = ++obxSequence;
    const equipment = segment.getComponent(18, 1).trim();
    if (equipment) addEui(eui64s, equipment);
    const target = targetOf(segment);
    const status = segment.getField(11)?.toString().trim().toUpperCase() ?? '';
    const raw = segment.getField(5)?.toString().trim() ?? '';
    const valueType = segment.getComponent(2, 1).trim().toUpperCase();
    if (!target || !VALUE_STATUSES.has(status) || raw === '' || (valueType !== 'NM' && valueType !== '')) {
      ignored++;
      continue;
    }
    if (!NUMBER.test(raw)) {
      return refuse(
        controlId,
        'AE',
        'validation_failed',
        102,
        `OBX ${n}: "${raw.slice(0, 20)}" is not a number`,
        loc('OBX', n, 5),
      );
    }
    const value = Number(raw);
    if (value < 0 || SENTINELS.has(value)) {
      ignored++;
      continue;
    }
    const unitCode = segment.getComponent(6, 1).trim();
    const unitName = segment.getComponent(6, 2).trim();
    if (!unitCode && !unitName) {
      return refuse(controlId, 'AE', 'unit_missing', 101, `OBX ${n}: OBX-6 (units) is required`, loc('OBX', n, 6));
    }
    const unit = UNITS.get(unitCode) ?? UNITS.get(unitName);
    if (!unit || unit.quantity !== QUANTITY_OF[target.field]) {
      return refuse(
        controlId,
        'AE',
        'unit_unsupported',
        103,
        `OBX ${n}: unit "${(unitCode || unitName).slice(0, 30)}" cannot be converted for ${target.field}`,
        loc('OBX', n, 6),
      );
    }
    const ownTime = segment.getComponent(14, 1).trim();
    const at = ownTime ? parseDtm(ownTime) : groupTime;
    if (at === null) {
      return refuse(
        controlId,
        'AE',
        'validation_failed',
        102,
        `OBX ${n}: no valid observation time (OBX-14, OBR-7 or MSH-7)`,
        loc('OBX', n, 14),
      );
    }
    let reading = byTime.get(at);
    if (!reading) byTime.set(at, (reading = { recordedAtMs: at, values: {}, from: {}, rank: {} }));
    const held = reading.rank[target.field];
    if (held !== undefined && held <= target.rank) continue;
    reading.rank[target.field] = target.rank;
    reading.values[target.field] = round(unit.convert(value), target.field === 'temp' ? 2 : 1);
    reading.from[target.field] = n;
  }
  const pv1 = message.getSegment('PV1');
  const bed = pv1 ? trimComponents(pv1.getField(3)?.toString() ?? '') || null : null;
  const readings = [...byTime.values()]
    .sort((a, b) => a.recordedAtMs - b.recordedAtMs)
    .map(({ recordedAtMs, values, from }) => ({ recordedAtMs, values, from }));
  return {
    ok: true,
    controlId,
    source: {
      application,
      applicationName: msh.getComponent(3, 1).trim(),
      facility: trimComponents(msh.getField(4)?.toString() ?? ''),
      facilityName: msh.getComponent(4, 1).trim(),
      eui64s: [...eui64s],
      bed,
    },
    readings,
    ignored,
  };
}

function loc(segment: string, sequence: number, field?: number): Hl7Problem['location'] {
  return { segment, sequence, field };
}

function addEui(into: Set<string>, text: string): void {
  const eui = eui64Of(text);
  if (eui) into.add(eui);
}
