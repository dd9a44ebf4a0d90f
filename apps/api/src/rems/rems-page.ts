import type { RemsBp, RemsForm } from './rems-form.js';

const escape = (value: unknown): string =>
  String(value ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const time = (iso: string | null | undefined) => (iso ? escape(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')) : '—');
const offset = (minutes: number | null) =>
  minutes === null ? '' : minutes < 0 ? ` (${-minutes} min before the dose)` : ` (${minutes} min after the dose)`;
const bp = (b: RemsBp | null) =>
  b ? `${b.sbp}/${b.dbp} mmHg at ${time(b.at)}${offset(b.minutesAfterDose)}` : 'not recorded';
const answer = (a: 'yes' | 'no' | null) => (a === null ? 'not assessed' : a);

/** The form as a printable page, beside the session record. */
export function remsPage(form: RemsForm): string {
  const rows: [string, string][] = [
    ['Patient', escape(form.patientRef)],
    ['Site', escape(form.site)],
    ['Protocol', escape(form.protocol)],
    [
      'Dose',
      `${escape(form.dose.mg)} mg (${escape(form.dose.mgPerKg)} mg/kg), given ${time(form.dose.administeredAt)}`,
    ],
    ['Blood pressure before the dose', bp(form.bloodPressure.beforeDose)],
    ['Blood pressure about 40 minutes after the dose', bp(form.bloodPressure.about40Minutes)],
    ['Blood pressure at the end of observation', bp(form.bloodPressure.endOfObservation)],
    [
      'Sedation',
      `${answer(form.assessments.sedation)}${form.assessments.lowestMoaas === null ? '' : ` (lowest MOAA/S ${form.assessments.lowestMoaas})`}`,
    ],
    [
      'Dissociation',
      `${answer(form.assessments.dissociation)}${form.assessments.worstDissociation ? ` (worst: ${escape(form.assessments.worstDissociation)})` : ''}`,
    ],
    ['Respiratory depression', answer(form.assessments.respiratoryDepression)],
    ['Minutes monitored', `${form.minutesMonitored ?? '—'} (at least ${form.minimumMinutes} required)`],
    ['Ready to leave', `${time(form.readyToLeaveAt)}${form.signedBy ? `, signed by ${escape(form.signedBy)}` : ''}`],
  ];
  const status = form.complete
    ? '<p class="complete">Complete: every field of the form is answered from the record.</p>'
    : `<div class="missing"><p>Still missing:</p><ul>${form.missing.map((m) => `<li>${escape(m)}</li>`).join('')}</ul></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>REMS Patient Monitoring Form · ${escape(form.patientRef)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#111;margin:2rem auto;max-width:820px}
h1{font-size:1.4rem;margin-bottom:.2rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #bbb;padding:.4rem .6rem;text-align:left;vertical-align:top}th{width:38%;background:#f4f4f4}
.missing{border:2px solid #b42318;padding:.5rem 1rem}.missing p{font-weight:600;color:#b42318;margin:.3rem 0}
.complete{border:2px solid #067647;padding:.5rem 1rem;color:#067647;font-weight:600}
@media print{body{margin:0}}
</style></head>
<body><h1>SPRAVATO® (esketamine) REMS · Patient Monitoring Form</h1>
<p>Filled from the session record ${escape(form.sessionId)}; transcribe or attach as the REMS requires.</p>
${status}
<table>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</table>
</body></html>`;
}
