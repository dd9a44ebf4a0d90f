import { remsForm, type RemsInput } from './rems-form.js';

const DOSE = Date.UTC(2026, 10, 30, 9, 0);
const at = (minutes: number) => new Date(DOSE + minutes * 60_000);

function input(extra: Partial<RemsInput> = {}): RemsInput {
  return {
    session: {
      id: 's1',
      patientRef: 'MRN-1',
      chair: 'Chair 2',
      phase: 'discharged',
      weightKg: 70,
      plannedDoseMgPerKg: 1.2,
      infusionStartedAt: at(0).toISOString(),
      infusionEndedAt: at(5).toISOString(),
      endedAt: at(125).toISOString(),
    },
    protocol: { key: 'in-esketamine', version: 2, name: 'Intranasal esketamine', minObservationMinutes: 120 },
    site: { name: 'Northside' },
    cuffReadings: [
      { at: at(-10), sbp: 124, dbp: 78 },
      { at: at(-2), sbp: 126, dbp: 80 },
      { at: at(20), sbp: 140, dbp: 88 },
      { at: at(38), sbp: 148, dbp: 90 },
      { at: at(45), sbp: 146, dbp: 90 },
      { at: at(118), sbp: 128, dbp: 80 },
      { at: at(130), sbp: 120, dbp: 76 },
    ],
    observations: [
      { observedAt: at(60).toISOString(), moaas: 4, dissociation: 'mild', respiratoryDepression: false },
      { observedAt: at(115).toISOString(), moaas: 5, dissociation: 'none', respiratoryDepression: false },
    ],
    signature: { signedByName: 'Dr Ines Park', signedAt: at(125).toISOString(), overrideReason: null },
    ...extra,
  };
}

describe('remsForm', () => {
  it('fills every field from a complete record: BP before, at about 40 min and at the end; assessments; minutes', () => {
    const form = remsForm(input());
    expect(form.bloodPressure.beforeDose).toMatchObject({ sbp: 126, dbp: 80, minutesAfterDose: -2 });
    expect(form.bloodPressure.about40Minutes).toMatchObject({ sbp: 148, dbp: 90, minutesAfterDose: 38 });
    expect(form.bloodPressure.endOfObservation).toMatchObject({ sbp: 128, dbp: 80, minutesAfterDose: 118 });
    expect(form.assessments).toEqual({
      sedation: 'yes',
      lowestMoaas: 4,
      dissociation: 'yes',
      worstDissociation: 'mild',
      respiratoryDepression: 'no',
      observations: 2,
    });
    expect(form).toMatchObject({ minutesMonitored: 125, readyToLeaveAt: at(125).toISOString(), complete: true });
    expect(form.dose).toMatchObject({ mg: 84 });
    expect(form.missing).toEqual([]);
  });

  it('lists in words what the record cannot answer', () => {
    const form = remsForm(
      input({
        cuffReadings: [{ at: at(20), sbp: 140, dbp: 88 }],
        observations: [{ observedAt: at(60).toISOString(), moaas: 5, dissociation: null, respiratoryDepression: null }],
        signature: null,
        session: { ...input().session, phase: 'recovery', endedAt: null },
      }),
    );
    expect(form.complete).toBe(false);
    expect(form.missing).toEqual([
      'the blood pressure before the dose',
      'the blood pressure about 40 minutes after the dose (none between 30 and 50 minutes)',
      'the end of observation (no clinician has signed the patient ready to leave)',
      'the dissociation assessment',
      'the respiratory depression assessment',
    ]);
    expect(form.assessments.sedation).toBe('no');
  });

  it('names a monitoring time shorter than the protocol minimum', () => {
    const signedEarly = { signedByName: 'Dr Ines Park', signedAt: at(100).toISOString(), overrideReason: 'transport' };
    expect(remsForm(input({ signature: signedEarly })).missing).toEqual([
      'monitoring for at least 120 minutes after the dose (100 minutes recorded)',
    ]);
  });
});
