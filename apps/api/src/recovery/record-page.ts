import type { VitalsEvent } from '#contracts';
import type { SessionRecord } from './session-story.js';

const escape = (value: unknown): string =>
  String(value ?? '—').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const time = (iso: string | null | undefined) => (iso ? escape(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')) : '—');

/** The vitals trend as an inline SVG: HR, SBP and DBP, SpO2 against time, the baseline band shaded. */
function trendChart(readings: VitalsEvent[], record: SessionRecord): string {
  if (readings.length === 0) return '<p>No readings.</p>';
  const W = 900;
  const H = 260;
  const t0 = Date.parse(readings[0]!.recordedAt);
  const t1 = Math.max(t0 + 1, Date.parse(readings.at(-1)!.recordedAt));
  const x = (iso: string) => ((Date.parse(iso) - t0) / (t1 - t0)) * (W - 60) + 50;
  const y = (v: number) => H - 20 - (v / 220) * (H - 40);
  const line = (key: 'hr' | 'sbp' | 'dbp' | 'spo2', colour: string, dash = '') => {
    const points = readings
      .filter((r) => (r[key] ?? 0) > 0)
      .map((r) => `${x(r.recordedAt).toFixed(1)},${y(r[key]!).toFixed(1)}`);
    return points.length
      ? `<polyline fill="none" stroke="${colour}" stroke-width="1.5" ${dash} points="${points.join(' ')}"/>`
      : '';
  };
  const base = record.baseline;
  const band =
    base?.sbp && base.dbp
      ? `<rect x="50" width="${W - 60}" y="${y(base.sbp * 1.2)}" height="${y(base.dbp * 0.8) - y(base.sbp * 1.2)}" fill="#e8f1fb"/>`
      : '';
  const grid = [40, 80, 120, 160, 200]
    .map(
      (v) =>
        `<line x1="50" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="10" y="${y(v) + 4}" font-size="11">${v}</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Vitals trend">${band}${grid}
    ${line('sbp', '#b3261e')}${line('dbp', '#b3261e', 'stroke-dasharray="4 3"')}${line('hr', '#1b5e20')}${line('spo2', '#0d47a1')}</svg>
    <p class="legend"><span style="color:#b3261e">— SBP, - - DBP</span> · <span style="color:#1b5e20">— HR</span> · <span style="color:#0d47a1">— SpO2</span> · shaded: baseline band (DBP −20% to SBP +20%)</p>`;
}

/** A printable page of the whole session record, with the signature manifestation at its foot. */
export function recordPage(record: SessionRecord, readings: VitalsEvent[]): string {
  const s = record.signature;
  const rows = (items: string[][]) => items.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session record — ${escape(record.patientRef)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}.legend{font-size:12px}
.signature{margin-top:2em;border:2px solid #111;padding:1em}.override{color:#b3261e;font-weight:bold}@media print{body{margin:1cm}}</style></head><body>
<h1>Infusion session record</h1>
<table>${rows([
    ['Patient reference', escape(record.patientRef)],
    ['Chair', escape(record.chair)],
    ['Protocol', escape(record.protocolId)],
    [
      'Dose',
      `${escape(record.plannedDoseMgPerKg)} mg/kg, ${escape(record.weightKg)} kg, infusion no. ${escape(record.seriesNumber)}`,
    ],
    ['Consent', `${time(record.consent.obtainedAt)}, witnessed by ${escape(record.consent.witnessedBy)}`],
    ['Phases', record.phases.map((p) => `${escape(p.phase)} ${time(p.at)}`).join('<br>')],
    [
      'Baseline',
      record.baseline
        ? `BP ${escape(record.baseline.sbp)}/${escape(record.baseline.dbp)}, HR ${escape(record.baseline.hr)}, SpO2 ${escape(record.baseline.spo2)}`
        : '—',
    ],
    ['Pre-dose override', escape(record.infusionOverrideReason)],
  ])}</table>
<h2>Vitals trend</h2>${trendChart(readings, record)}
<h2>Alerts</h2>${
    record.alerts.length === 0
      ? '<p>None.</p>'
      : `<table><tr><th>Opened</th><th>Kind</th><th>Severity</th><th>State</th><th>Duration</th><th>Message</th><th>Acknowledged</th></tr>${rows(
          record.alerts.map((a) => [
            time(a.openedAt),
            escape(a.kind),
            escape(a.severity),
            escape(a.state),
            a.durationSeconds === null ? 'ongoing' : `${Math.round(a.durationSeconds / 60)} min`,
            escape(a.message),
            a.acknowledgedBy ? `${escape(a.acknowledgedBy.displayName)} ${time(a.acknowledgedAt)}` : '—',
          ]),
        )}</table>`
  }
<h2>Recovery observations</h2>${
    record.observations.length === 0
      ? '<p>None.</p>'
      : `<table><tr><th>Time</th><th>MOAA/S</th><th>Oriented</th><th>Gait</th><th>Nausea</th><th>Pain</th><th>Notes</th></tr>${rows(
          record.observations.map((o) => [
            time(o.observedAt),
            escape(o.moaas),
            o.oriented ? 'yes' : 'no',
            o.steadyGait ? 'steady' : 'unsteady',
            escape(o.nausea),
            escape(o.pain),
            escape(o.notes),
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
          ['Escort present', time(record.checklist.escortPresentAt)],
          ['No driving acknowledged', record.checklist.noDrivingAcknowledged ? 'yes' : 'no'],
          ['Instructions given', record.checklist.instructionsGiven ? 'yes' : 'no'],
          ['Belongings returned', record.checklist.belongingsReturned ? 'yes' : 'no'],
          ['Follow-up', time(record.checklist.followUpAt)],
        ])}</table>`
      : '<p>Not completed.</p>'
  }
${record.addenda.length ? `<h2>Addenda</h2>${record.addenda.map((a) => `<p>${time(a.createdAt)} — ${escape(a.author.displayName)} (${escape(a.author.role)}), signed:<br>${escape(a.text)}</p>`).join('')}` : ''}
<div class="signature">${
    s
      ? `<strong>Electronically signed by ${escape(s.signedBy.displayName)}</strong><br>Date and time: ${time(s.signedAt)}<br>Meaning: ${escape(s.meaning)}<br>${
          s.overrideReason
            ? `<span class="override">Signed despite unmet criteria (${escape(s.unmetCriteria.join(', '))}): ${escape(s.overrideReason)}</span><br>`
            : ''
        }Record hash (SHA-256): <code>${escape(s.recordHash)}</code>`
      : '<strong>Not signed.</strong>'
  }</div></body></html>`;
}
