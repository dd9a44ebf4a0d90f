import { overrideReasonProblem, signatureStatement, siteTime } from './discharge.js';

describe('override reason', () => {
  it('takes a sentence of 20 characters and 4 words', () => {
    expect(overrideReasonProblem('Patient insists on leaving; escort present')).toBeNull();
    expect(overrideReasonProblem('Manual BP 128/82 twice, cuff artefact')).toBeNull();
  });

  it('refuses a word, a placeholder, something short or one word repeated', () => {
    for (const reason of [
      'ok',
      'n/a',
      'see notes',
      'clinically fine now',
      'x x x x x x x x x x x x',
      'fine fine fine fine fine',
    ]) {
      expect(overrideReasonProblem(reason)).not.toBeNull();
    }
  });
});

describe('signature statement', () => {
  const base = {
    signer: 'Dr Ana Ruiz',
    patientRef: 'MRN-1',
    signedAt: '2026-07-01T13:05:09.000Z',
    timeZone: 'Europe/London',
    meaning: 'discharge_approved_override',
    unmet: [{ code: 'min_observation', detail: '0 of 60 minutes observed since the end of the infusion' }],
    overrideReason: 'Patient insists on leaving; escort present',
  };

  it('names the signer, the patient, the time in the site zone and UTC, the meaning, what was not met and why', () => {
    expect(signatureStatement(base)).toBe(
      'I, Dr Ana Ruiz, sign the discharge of patient MRN-1 on 1 Jul 2026, 14:05:09 Europe/London (13:05:09 UTC). ' +
        'Meaning: Discharge approved with override — criteria not met, reason stated. ' +
        'Criteria not met at signing: Minimum observation time (0 of 60 minutes observed since the end of the infusion). ' +
        'Reason: Patient insists on leaving; escort present',
    );
  });

  it('says so when every criterion was met, and shows UTC once for a UTC site', () => {
    const text = signatureStatement({
      ...base,
      timeZone: 'UTC',
      meaning: 'discharge_approved',
      unmet: [],
      overrideReason: null,
    });
    expect(text).toContain('on 1 Jul 2026, 13:05:09 UTC.');
    expect(text).toContain('Every discharge criterion was met at signing.');
    expect(siteTime('2026-01-01T00:00:00Z', 'America/New_York')).toBe(
      '31 Dec 2025, 19:00:00 America/New_York (00:00:00 UTC)',
    );
  });
});
