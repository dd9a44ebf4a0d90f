import { criterionName, meaningText, siteTime, type VitalsEvent } from '#contracts';
import { recordCharts } from './record-chart.js';
import type { SessionRecord } from './session-story.js';

const escape = (value: unknown): string =>
  String(value ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const PHASE_WORDS: Record<string, string> = {
  baseline: 'Baseline',
  infusing: 'Infusion started',
  recovery: 'Infusion ended, recovery',
  discharged: 'Discharged',
  aborted: 'Aborted',
};
/** Alert kinds and states as the ward says them (the codes are for machines). */
const KIND_WORDS: Record<string, string> = {
  bp_rise: 'Blood pressure rise',
  hr_rise: 'Heart rate rise',
  spo2_low: 'Low SpO2',
  hr_low: 'Low heart rate',
  signal_lost: 'Signal lost',
  hr_signal_lost: 'HR signal lost',
  spo2_signal_lost: 'SpO2 signal lost',
  bp_overdue: 'Blood pressure overdue',
};
const STATE_WORDS: Record<string, string> = {
  active: 'active, not acknowledged',
  acknowledged: 'acknowledged, still present',
  cleared: 'ended, not acknowledged',
  resolved: 'resolved',
};
const yesNo = (value: boolean | null) => (value === null ? 'not assessed' : value ? 'yes' : 'no');
const orDash = (value: unknown) => (value === null || value === undefined ? 'not assessed' : escape(value));

export interface Printing {
  printedBy: string;
  printedAt: string;
}

/** A printable page of the whole session record, in the site's time zone, with the signature at its foot. */
export function recordPage(record: SessionRecord, readings: VitalsEvent[], printing: Printing): string {
  const zone = record.site?.timezone ?? 'UTC';
  const time = (iso: string | null | undefined) => (iso ? escape(siteTime(iso, zone)) : '—');
  const clock = (ms: number, seconds: boolean) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    }).format(ms);
  const s = record.signature;
  const rules = record.protocol?.rules;
  const rows = (items: string[][]) => items.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  const head = (cells: string[]) => `<tr>${cells.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session record — ${escape(record.patientRef)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}.legend{font-size:12px}
.signature{margin-top:2em;border:2px solid #111;padding:1em}.override{color:#b3261e;font-weight:bold}.printed{margin-top:2em;font-size:12px;color:#444}@media print{body{margin:1cm}}</style></head><body>
<h1>Infusion session record</h1>
<table>${rows([
    ['Patient reference', escape(record.patientRef)],
    ['Site', `${escape(record.site?.name)} — times in ${escape(zone)}${zone === 'UTC' ? '' : ' (UTC in brackets)'}`],
    ['Chair', escape(record.chair)],
    ['Protocol', record.protocol ? `${escape(record.protocol.name)}, version ${escape(record.protocol.version)}` : '—'],
    [
      'Dose',
      `${escape(record.plannedDoseMgPerKg)} mg/kg, ${escape(record.weightKg)} kg, infusion no. ${escape(record.seriesNumber)}`,
    ],
    ['Consent', `${time(record.consent.obtainedAt)}, witnessed by ${escape(record.consent.witnessedBy)}`],
    ['Phases', record.phases.map((p) => `${escape(PHASE_WORDS[p.phase] ?? p.phase)}: ${time(p.at)}`).join('<br>')],
    [
      'Baseline',
      record.baseline
        ? `BP ${escape(record.baseline.sbp)}/${escape(record.baseline.dbp)} mmHg, HR ${escape(record.baseline.hr)} /min, SpO2 ${escape(record.baseline.spo2)} %`
        : '—',
    ],
    ['Pre-dose override', escape(record.infusionOverrideReason)],
  ])}</table>
<h2>Vital signs</h2>${recordCharts(
    readings,
    {
      baseline: record.baseline,
      bpMediumPct: rules?.bpRise.mediumPct ?? null,
      spo2MediumBelow: rules?.spo2Low.medium ?? null,
      spo2HighBelow: rules?.spo2Low.high ?? null,
    },
    clock,
  )}
<p class="legend">Times on the axes are ${escape(zone)}. Dashed lines: the patient's baseline and the protocol's alert limits.</p>
<h2>Alerts</h2>${
    record.alerts.length === 0
      ? '<p>None.</p>'
      : `<table>${head(['Opened', 'Kind', 'Severity', 'State', 'Duration', 'Message', 'Acknowledged'])}${rows(
          record.alerts.map((a) => [
            time(a.openedAt),
            escape(KIND_WORDS[a.kind] ?? a.kind),
            escape(a.severity),
            escape(STATE_WORDS[a.state] ?? a.state),
            a.durationSeconds === null ? 'ongoing' : `${Math.round(a.durationSeconds / 60)} min`,
            escape(a.message),
            a.acknowledgedBy ? `${escape(a.acknowledgedBy.displayName)}, ${time(a.acknowledgedAt)}` : '—',
          ]),
        )}</table>`
  }
<h2>Recovery observations</h2>${
    record.observations.length === 0
      ? '<p>None.</p>'
      : `<table>${head(['Time', 'MOAA/S', 'Oriented', 'Gait', 'Nausea', 'Pain (0–10)', 'Notes', 'Recorded by'])}${rows(
          record.observations.map((o) => [
            time(o.observedAt),
            orDash(o.moaas),
            yesNo(o.oriented),
            o.steadyGait === null ? 'not assessed' : o.steadyGait ? 'steady' : 'unsteady',
            orDash(o.nausea),
            orDash(o.pain),
            escape(o.notes),
            escape(o.recordedByName ?? o.recordedBy),
          ]),
        )}</table>`
  }
<h2>Discharge checklist</h2>${
    record.checklist
      ? `<table>${rows([
          [
            'Escort',
            `${escape(record.checklist.escort.name)} (${escape(record.checklist.escort.relationship)}), ${escape(record.checklist.escort.phone)}`,
          ],
          [
            'Escort present',
            record.checklist.escortPresentAt
              ? `${time(record.checklist.escortPresentAt)}, confirmed by ${escape(record.checklist.escortConfirmedByName)}`
              : 'not confirmed',
          ],
          ['No driving acknowledged', yesNo(record.checklist.noDrivingAcknowledged)],
          ['Instructions given', yesNo(record.checklist.instructionsGiven)],
          ['Belongings returned', yesNo(record.checklist.belongingsReturned)],
          ['Follow-up', time(record.checklist.followUpAt)],
        ])}</table>`
      : '<p>Not completed.</p>'
  }
${
  s?.atSigning
    ? `<h2>Discharge criteria at signing</h2><p>Recovery score ${escape(s.atSigning.score)}/10.</p><table>${head(['Criterion', 'Met', 'Detail'])}${rows(
        s.atSigning.criteria.map((c) => [escape(criterionName(c.code)), c.met ? 'met' : 'NOT met', escape(c.detail)]),
      )}</table>`
    : ''
}
${record.addenda.length ? `<h2>Addenda</h2>${record.addenda.map((a) => `<p>${time(a.createdAt)} — ${escape(a.author.displayName)} (${escape(a.author.role)}), signed:<br>${escape(a.text)}</p>`).join('')}` : ''}
<div class="signature">${
    s
      ? `<strong>Electronically signed by ${escape(s.signedBy.displayName)}</strong><br>Date and time: ${time(s.signedAt)}<br>Meaning: ${escape(meaningText(s.meaning))}<br>${
          s.statement ? `Statement signed: “${escape(s.statement)}”<br>` : ''
        }${
          s.overrideReason
            ? `<span class="override">Signed despite unmet criteria (${escape(s.unmetCriteria.map(criterionName).join(', '))}): ${escape(s.overrideReason)}</span><br>`
            : ''
        }Record hash (SHA-256): <code>${escape(s.recordHash)}</code>`
      : '<strong>Not signed.</strong>'
  }</div>
<p class="printed">Printed by ${escape(printing.printedBy)} on ${time(printing.printedAt)}.</p></body></html>`;
}
