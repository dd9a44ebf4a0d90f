import type { VitalsEvent } from '#contracts';

/** A FHIR resource as JSON (the bundle is built as plain data and validated in the tests against R4). */
export type Resource = { resourceType: string; id: string } & Record<string, unknown>;

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
const PROFILE = 'http://hl7.org/fhir/StructureDefinition/';

const loinc = (code: string, display: string) => ({ system: LOINC, code, display });
const quantity = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM, code });
const mmHg = (value: number) => quantity(value, 'mmHg', 'mm[Hg]');

export const VITAL_SIGNS_CATEGORY = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
        display: 'Vital Signs',
      },
    ],
    text: 'Vital Signs',
  },
];

const DATA_ABSENT = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-performed' }],
};

export interface References {
  patient: string;
  encounter: string;
  device: string;
}

/**
 * One stored reading as observations following the R4 vital-signs profiles: a blood pressure panel
 * (85354-9, systolic and diastolic components, mean arterial pressure as a further component), heart
 * rate, oxygen saturation (2708-6 with 59408-5), respiratory rate and body temperature, in UCUM units.
 * A heart rate or SpO2 of 0 is the monitor saying "no signal", not a measurement: it is left out.
 */
export function vitalSignsOf(reading: VitalsEvent, ids: (kind: string) => string, refs: References): Resource[] {
  const base = (id: string, profile: string, code: object) => ({
    resourceType: 'Observation',
    id,
    meta: { profile: [`${PROFILE}vitalsigns`, `${PROFILE}${profile}`] },
    status: 'final',
    category: VITAL_SIGNS_CATEGORY,
    code,
    subject: { reference: refs.patient },
    encounter: { reference: refs.encounter },
    effectiveDateTime: reading.recordedAt,
    device: { reference: refs.device },
  });
  const out: Resource[] = [];
  if (reading.sbp !== null || reading.dbp !== null) {
    const component = (code: object, value: number | null) =>
      value === null ? { code, dataAbsentReason: DATA_ABSENT } : { code, valueQuantity: mmHg(value) };
    out.push({
      ...base(ids('bp'), 'bp', {
        coding: [loinc('85354-9', 'Blood pressure panel with all children optional')],
        text: 'Blood pressure',
      }),
      component: [
        component({ coding: [loinc('8480-6', 'Systolic blood pressure')] }, reading.sbp),
        component({ coding: [loinc('8462-4', 'Diastolic blood pressure')] }, reading.dbp),
        ...(reading.map !== null ? [component({ coding: [loinc('8478-0', 'Mean blood pressure')] }, reading.map)] : []),
      ],
    });
  }
  if (reading.hr !== null && reading.hr > 0) {
    out.push({
      ...base(ids('hr'), 'heartrate', { coding: [loinc('8867-4', 'Heart rate')], text: 'Heart rate' }),
      valueQuantity: quantity(reading.hr, 'beats/minute', '/min'),
    });
  }
  if (reading.spo2 !== null && reading.spo2 > 0) {
    out.push({
      ...base(ids('spo2'), 'oxygensat', {
        coding: [
          loinc('2708-6', 'Oxygen saturation in Arterial blood'),
          loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
        ],
        text: 'SpO2',
      }),
      valueQuantity: quantity(reading.spo2, '%', '%'),
    });
  }
  if (reading.rr !== null) {
    out.push({
      ...base(ids('rr'), 'resprate', { coding: [loinc('9279-1', 'Respiratory rate')], text: 'Respiratory rate' }),
      valueQuantity: quantity(reading.rr, 'breaths/minute', '/min'),
    });
  }
  if (reading.temp !== null) {
    out.push({
      ...base(ids('temp'), 'bodytemp', { coding: [loinc('8310-5', 'Body temperature')], text: 'Body temperature' }),
      valueQuantity: quantity(reading.temp, 'C', 'Cel'),
    });
  }
  return out;
}
