import type { VitalsEvent } from '#contracts';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useNow } from '../use-now';
import { baselineBands, BP_KINDS, columnsOf, DBP, episodesOf, HR, PULSE_KINDS, SBP, SPO2 } from './chart-data';
import type { AlertRecord, Baseline, ChartRules } from './records';
import { VitalChart } from './VitalChart';

const GRID = { stroke: '#30363d', width: 1 };
const X_AXIS: uPlot.Axis = { stroke: '#c9d1d9', grid: GRID, ticks: GRID };
// Fixed axis widths, and an empty right axis on the BP chart, so the two charts' time axes line up.
const axis = (scale: string, label: string, side: 1 | 3 = 3): uPlot.Axis => ({
  scale,
  label,
  side,
  size: 56,
  labelSize: 20,
  stroke: '#c9d1d9',
  grid: side === 3 ? GRID : { show: false },
  ticks: GRID,
});
const SPACER: uPlot.Axis = {
  scale: 'mmHg',
  side: 1,
  size: 56,
  label: ' ',
  labelSize: 20,
  grid: { show: false },
  ticks: { show: false },
  values: (_u, splits) => splits.map(() => ''),
};
/** Scales that never shrink below a sensible window, so a flat line does not look like a swing. */
const atLeast =
  (low: number, high: number): uPlot.Range.Function =>
  (_u, min, max) => [Math.min(low, (min ?? low) - 5), Math.max(high, (max ?? high) + 5)];

const cuff = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({
  label,
  scale: 'mmHg',
  stroke,
  width: 2,
  dash,
  spanGaps: true, // one cuff reading every few minutes: join them
  points: { show: true, size: 7, fill: stroke, stroke },
});

const BP = {
  series: [cuff('SBP', SBP), cuff('DBP', DBP, [8, 4])],
  axes: [X_AXIS, axis('mmHg', 'BP mmHg'), SPACER],
  scales: { mmHg: { range: atLeast(50, 170) } },
};
const PULSE = {
  series: [
    { label: 'HR', scale: 'bpm', stroke: HR, width: 2 },
    { label: 'SpO2', scale: '%', stroke: SPO2, width: 2 },
  ] satisfies uPlot.Series[],
  axes: [X_AXIS, axis('bpm', 'HR /min'), axis('%', 'SpO2 %', 1)],
  scales: { bpm: { range: atLeast(50, 110) }, '%': { range: atLeast(88, 100) } },
};

export function TrendCharts(props: {
  readings: VitalsEvent[];
  alerts: AlertRecord[];
  baseline: Baseline | null;
  rules: ChartRules | null;
}) {
  const { readings, alerts, baseline, rules } = props;
  const now = useNow(5000);
  const height = useMemo(() => Math.round(Math.min(420, Math.max(180, window.innerHeight * 0.27))), []);
  const bpData = useMemo(() => columnsOf(readings, ['sbp', 'dbp']), [readings]);
  const pulseData = useMemo(() => columnsOf(readings, ['hr', 'spo2']), [readings]);
  const bands = useMemo(() => baselineBands(baseline, rules), [baseline, rules]);
  const bpEpisodes = useMemo(() => episodesOf(alerts, BP_KINDS, now), [alerts, now]);
  const pulseEpisodes = useMemo(() => episodesOf(alerts, PULSE_KINDS, now), [alerts, now]);
  return (
    <>
      <VitalChart
        title="Blood pressure trend"
        data={bpData}
        bands={bands.bp}
        episodes={bpEpisodes}
        height={height}
        {...BP}
      />
      <VitalChart
        title="Heart rate and SpO2 trend"
        data={pulseData}
        bands={bands.pulse}
        episodes={pulseEpisodes}
        height={height}
        {...PULSE}
      />
      <p className="chart-key muted">
        {baseline
          ? 'Dashed line: the patient’s baseline. Shaded band: baseline up to the limit where a medium alert opens.'
          : 'The baseline is drawn once the infusion has started.'}{' '}
        Shaded columns: alert episodes (red high, amber medium).
      </p>
    </>
  );
}
