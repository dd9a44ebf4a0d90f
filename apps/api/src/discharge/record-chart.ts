import type { VitalsEvent } from '#contracts';

type Measure = 'hr' | 'sbp' | 'dbp' | 'spo2';
interface Line {
  key: Measure;
  label: string;
  colour: string;
  dash?: string;
}
interface Panel {
  title: string;
  unit: string;
  lines: Line[];
  /** The axis never shrinks below this window, so a flat line does not look like a swing. */
  atLeast: [number, number];
  /** Horizontal lines with a label: the baseline band's edges, the protocol's limits. */
  marks: { value: number; label: string }[];
}

const W = 900;
const H = 170;
const LEFT = 56;
const RIGHT = 12;
const TOP = 22;
const BOTTOM = 26;

/** Clock ticks on round times, at most seven of them whatever the session's length. */
function timeTicks(t0: number, t1: number): { ticks: number[]; seconds: boolean } {
  const step =
    [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000).find((s) => (t1 - t0) / s <= 7) ??
    4 * 3600_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return { ticks, seconds: step < 60_000 };
}

export type Clock = (ms: number, seconds: boolean) => string;

function panel(readings: VitalsEvent[], p: Panel, t0: number, t1: number, clock: Clock): string {
  const values = readings.flatMap((r) => p.lines.map((l) => r[l.key] ?? 0)).filter((v) => v > 0);
  const lo = Math.floor(Math.min(p.atLeast[0], ...values, ...p.marks.map((m) => m.value)) / 10) * 10;
  const hi = Math.ceil(Math.max(p.atLeast[1], ...values, ...p.marks.map((m) => m.value)) / 10) * 10;
  const x = (ms: number) => LEFT + ((ms - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const y = (v: number) => TOP + (1 - (v - lo) / (hi - lo)) * (H - TOP - BOTTOM);
  const step = hi - lo > 120 ? 40 : hi - lo > 50 ? 20 : 5;
  const grid: string[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    grid.push(
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#e0e0e0"/><text x="${LEFT - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v}</text>`,
    );
  }
  const axis = timeTicks(t0, t1);
  const ticks = axis.ticks.map(
    (t) =>
      `<line x1="${x(t)}" x2="${x(t)}" y1="${TOP}" y2="${H - BOTTOM}" stroke="#eee"/><text x="${x(t).toFixed(1)}" y="${H - 8}" font-size="11" text-anchor="middle">${clock(t, axis.seconds)}</text>`,
  );
  const marks = p.marks.map(
    (m) =>
      `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(m.value)}" y2="${y(m.value)}" stroke="#555" stroke-dasharray="5 4"/><text x="${W - RIGHT - 4}" y="${y(m.value) - 3}" font-size="10" text-anchor="end" fill="#333">${m.label}</text>`,
  );
  const lines = p.lines.map((l) => {
    const points = readings
      .filter((r) => (r[l.key] ?? 0) > 0)
      .map((r) => `${x(Date.parse(r.recordedAt)).toFixed(1)},${y(r[l.key]!).toFixed(1)}`);
    return points.length
      ? `<polyline fill="none" stroke="${l.colour}" stroke-width="1.6" ${l.dash ? `stroke-dasharray="${l.dash}"` : ''} points="${points.join(' ')}"/>`
      : '';
  });
  const legend = p.lines.map((l) => `<tspan fill="${l.colour}">${l.dash ? '- -' : '—'} ${l.label}</tspan>`).join(' ');
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${p.title} (${p.unit}) against time">
<text x="${LEFT}" y="14" font-size="12" font-weight="bold">${p.title} (${p.unit})</text><text x="${LEFT + 260}" y="14" font-size="12">${legend}</text>
${grid.join('')}${ticks.join('')}<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" fill="none" stroke="#999"/>${marks.join('')}${lines.join('')}</svg>`;
}

export interface ChartLimits {
  baseline: { sbp: number | null; dbp: number | null; hr: number | null } | null;
  bpMediumPct: number | null;
  spo2HighBelow: number | null;
  spo2MediumBelow: number | null;
}

/** The vitals against the site's clock, one panel per unit: BP (mmHg), HR (/min), SpO2 (%), with limits drawn. */
export function recordCharts(readings: VitalsEvent[], limits: ChartLimits, clock: Clock): string {
  if (readings.length === 0) return '<p>No readings.</p>';
  const t0 = Date.parse(readings[0]!.recordedAt);
  const t1 = Math.max(t0 + 60_000, Date.parse(readings.at(-1)!.recordedAt));
  const base = limits.baseline;
  const bpMarks: Panel['marks'] = [];
  if (base?.sbp) bpMarks.push({ value: base.sbp, label: `baseline SBP ${base.sbp}` });
  if (base?.sbp && limits.bpMediumPct !== null) {
    const limit = Math.round(base.sbp * (1 + limits.bpMediumPct / 100));
    bpMarks.push({ value: limit, label: `SBP alert limit ${limit}` });
  }
  const hrMarks: Panel['marks'] = base?.hr ? [{ value: base.hr, label: `baseline HR ${base.hr}` }] : [];
  const spo2Marks: Panel['marks'] = [];
  if (limits.spo2MediumBelow !== null)
    spo2Marks.push({ value: limits.spo2MediumBelow, label: `medium alert below ${limits.spo2MediumBelow}%` });
  if (limits.spo2HighBelow !== null)
    spo2Marks.push({ value: limits.spo2HighBelow, label: `high alert below ${limits.spo2HighBelow}%` });
  return [
    panel(
      readings,
      {
        title: 'Blood pressure',
        unit: 'mmHg',
        lines: [
          { key: 'sbp', label: 'SBP', colour: '#6a1b9a' },
          { key: 'dbp', label: 'DBP', colour: '#6a1b9a', dash: '4 3' },
        ],
        atLeast: [60, 160],
        marks: bpMarks,
      },
      t0,
      t1,
      clock,
    ),
    panel(
      readings,
      {
        title: 'Heart rate',
        unit: '/min',
        lines: [{ key: 'hr', label: 'HR', colour: '#1b5e20' }],
        atLeast: [50, 110],
        marks: hrMarks,
      },
      t0,
      t1,
      clock,
    ),
    panel(
      readings,
      {
        title: 'Oxygen saturation',
        unit: '%',
        lines: [{ key: 'spo2', label: 'SpO2', colour: '#0d47a1' }],
        atLeast: [85, 100],
        marks: spo2Marks,
      },
      t0,
      t1,
      clock,
    ),
  ].join('\n');
}
