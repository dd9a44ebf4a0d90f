import { createHash } from 'node:crypto';
import { meaningText, type VitalsEvent } from '#contracts';
import type { AlertView } from '../alerts/alert-view.js';
import { LOINC, type Resource, vitalSignsOf } from './vital-signs.js';

/** What the bundle is made of, as the services return it. */
export interface SessionStory {
  session: {
    id: string;
    siteId: string;
    patientRef: string;
    chair: string;
    phase: string;
    createdAt: string;
    endedAt: string | null;
  };
  device: { id: string; name: string; eui64: string | null };
  readings: VitalsEvent[];
  alerts: AlertView[];
  observations: {
    id: string;
    observedAt: string;
    moaas: number | null;
    oriented: boolean | null;
    steadyGait: boolean | null;
    nausea: string | null;
    pain: number | null;
    notes: string | null;
  }[];
  signature: {
    signedBy: { id: string; displayName: string };
    signedAt: string;
    meaning: string;
    recordHash: string;
  } | null;
}

const SYSTEM = 'urn:infusion-monitor';
const SEVERITY = { high: 'high', medium: 'moderate', low: 'low' } as const;

/** A stable UUID for one resource of one session (the same export twice names things the same). */
function uuidOf(sessionId: string, key: string): string {
  const hex = createHash('sha256').update(`${sessionId}/${key}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const ENCOUNTER_STATUS: Record<string, string> = {
  baseline: 'in-progress',
  infusing: 'in-progress',
  recovery: 'in-progress',
  discharged: 'finished',
  aborted: 'cancelled',
};

/**
 * A session as a FHIR R4 Bundle of type `collection`: the patient (known here only by the clinic's
 * reference), an Encounter, the monitor as a Device, the vital signs, the alerts as DetectedIssue
 * (a condition the monitoring found, with its severity, its evidence and its acknowledgement as a
 * mitigation), the recovery assessments, and the discharge signature as a Provenance.
 */
export function sessionBundle(story: SessionStory, now: Date): Resource {
  const { session } = story;
  const id = (key: string) => uuidOf(session.id, key);
  const ref = (key: string) => `urn:uuid:${id(key)}`;
  const refs = { patient: ref('patient'), encounter: ref('encounter'), device: ref('device') };
  const resources: Resource[] = [];
  resources.push({
    resourceType: 'Patient',
    id: id('patient'),
    identifier: [{ use: 'usual', system: `${SYSTEM}:site:${session.siteId}:patient-ref`, value: session.patientRef }],
  });
  resources.push({
    resourceType: 'Encounter',
    id: id('encounter'),
    identifier: [{ system: `${SYSTEM}:session`, value: session.id }],
    status: ENCOUNTER_STATUS[session.phase] ?? 'unknown',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ text: 'Ketamine infusion session' }],
    subject: { reference: refs.patient },
    period: { start: session.createdAt, ...(session.endedAt ? { end: session.endedAt } : {}) },
    location: [{ location: { display: session.chair } }],
  });
  resources.push({
    resourceType: 'Device',
    id: id('device'),
    identifier: [
      { system: `${SYSTEM}:device`, value: story.device.id },
      // The IEEE EUI-64 system of the personal health device and point-of-care device guides.
      ...(story.device.eui64
        ? [{ system: 'urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680', value: story.device.eui64 }]
        : []),
    ],
    deviceName: [{ name: story.device.name, type: 'user-friendly-name' }],
  });
  const evidenceByAlert = new Map<string, string[]>();
  for (const reading of story.readings) {
    const observations = vitalSignsOf(reading, (kind) => id(`reading/${reading.seq}/${kind}`), refs);
    resources.push(...observations);
    for (const alert of story.alerts) {
      if (reading.recordedAt === alert.openedAt) {
        evidenceByAlert.set(
          alert.id,
          observations.map((o) => `urn:uuid:${o.id}`),
        );
      }
    }
  }
  for (const alert of story.alerts) {
    const evidence = evidenceByAlert.get(alert.id) ?? [];
    resources.push({
      resourceType: 'DetectedIssue',
      id: id(`alert/${alert.id}`),
      identifier: [{ system: `${SYSTEM}:alert`, value: alert.id }],
      status: alert.state === 'resolved' || alert.state === 'cleared' ? 'final' : 'preliminary',
      code: { coding: [{ system: `${SYSTEM}:alert-kind`, code: alert.kind }], text: alert.kind.replace(/_/g, ' ') },
      severity: SEVERITY[alert.severity],
      patient: { reference: refs.patient },
      identifiedDateTime: alert.openedAt,
      detail: alert.message,
      ...(evidence.length > 0 ? { evidence: [{ detail: evidence.map((reference) => ({ reference })) }] } : {}),
      ...(alert.acknowledgedAt
        ? {
            mitigation: [
              {
                action: {
                  text: `acknowledged${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy.displayName}` : ''}`,
                },
                date: alert.acknowledgedAt,
              },
            ],
          }
        : {}),
    });
  }
  for (const o of story.observations) {
    resources.push({
      resourceType: 'Observation',
      id: id(`recovery/${o.id}`),
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam', display: 'Exam' },
          ],
        },
      ],
      code: { coding: [{ system: `${SYSTEM}:observation`, code: 'recovery-assessment' }], text: 'Recovery assessment' },
      subject: { reference: refs.patient },
      encounter: { reference: refs.encounter },
      effectiveDateTime: o.observedAt,
      // Only the items the nurse assessed: an item left out was not observed, and says nothing.
      component: [
        o.moaas !== null && { code: { text: 'MOAA/S (0-5)' }, valueInteger: o.moaas },
        o.oriented !== null && { code: { text: 'Oriented' }, valueBoolean: o.oriented },
        o.steadyGait !== null && { code: { text: 'Steady gait' }, valueBoolean: o.steadyGait },
        o.nausea !== null && { code: { text: 'Nausea' }, valueString: o.nausea },
        o.pain !== null && {
          code: {
            coding: [
              {
                system: LOINC,
                code: '72514-3',
                display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported',
              },
            ],
          },
          valueInteger: o.pain,
        },
      ].filter((component) => component !== false),
      ...(o.notes ? { note: [{ text: o.notes }] } : {}),
    });
  }
  if (story.signature) {
    const s = story.signature;
    const who = { identifier: { system: `${SYSTEM}:user`, value: s.signedBy.id }, display: s.signedBy.displayName };
    resources.push({
      resourceType: 'Provenance',
      id: id('signature'),
      target: [{ reference: refs.encounter }],
      recorded: s.signedAt,
      reason: [{ coding: [{ system: `${SYSTEM}:signature-meaning`, code: s.meaning }], text: meaningText(s.meaning) }],
      activity: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion',
            code: 'LA',
            display: 'legally authenticated',
          },
        ],
      },
      agent: [
        {
          type: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'verifier' }],
          },
          who,
        },
      ],
      signature: [
        {
          type: [
            { system: 'urn:iso-astm:E1762-95:2013', code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' },
          ],
          when: s.signedAt,
          who,
          sigFormat: 'text/plain',
          // The SHA-256 of the signed record, as the sign-off returned it (base64 of its hex text).
          data: Buffer.from(s.recordHash, 'utf8').toString('base64'),
        },
      ],
    });
  }
  return {
    resourceType: 'Bundle',
    id: id(`bundle/${now.toISOString()}`),
    meta: { lastUpdated: now.toISOString() },
    type: 'collection',
    timestamp: now.toISOString(),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}
