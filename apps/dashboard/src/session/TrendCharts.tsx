import type { AlertView, SessionBaseline, VitalsEvent } from '#contracts';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useNow } from '../use-now';
import { BP_KINDS, chartGuides, columnsOf, DBP, episodesOf, HR, HR_KINDS, SBP, SPO2, SPO2_KINDS } from './chart-data';
import type { ChartRules } from './records';
import { clock, type LegendEntry, VitalChart } from './VitalChart';

const GRID = { stroke: '#30363d', width: 1 };
/** Clock labels only (no date line under the first one), with seconds when the ticks are under a minute apart. */
const clockLabels: uPlot.Axis.DynamicValues = (_u, splits) => {
  const seconds = splits.length > 1 && splits[1]! - splits[0]! < 60;
  return splits.map((s) => clock(s, seconds));
};
// At least 90 px between time labels, so the first ones never run into each other.
const X_AXIS: uPlot.Axis = { stroke: '#c9d1d9', grid: GRID, ticks: GRID, space: 90, values: clockLabels };
// Fixed axis widths so the three charts' time axes line up.
const axis = (scale: string, label: string): uPlot.Axis => ({
  scale,
  label,
  size: 56,
  labelSize: 20,
  stroke: '#c9d1d9',
  grid: GRID,
  ticks: GRID,
});
/** Scales that never shrink below a sensible window, so a flat line does not look like a swing. */
const atLeast =
  (low: number, high: number, ceiling = Infinity): uPlot.Range.Function =>
  (_u, min, max) => [Math.min(low, (min ?? low) - 5), Math.min(ceiling, Math.max(high, (max ?? high) + 5))];

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
  legend: [
    { label: 'SBP', unit: 'mmHg', colour: SBP },
    { label: 'DBP', unit: 'mmHg', colour: DBP, dashed: true },
  ] satisfies LegendEntry[],
  axes: [X_AXIS, axis('mmHg', 'BP mmHg')],
  scales: { mmHg: { range: atLeast(50, 170) } },
};
const PULSE = {
  series: [{ label: 'HR', scale: 'bpm', stroke: HR, width: 2 }] satisfies uPlot.Series[],
  legend: [{ label: 'HR', unit: '/min', colour: HR }] satisfies LegendEntry[],
  axes: [X_AXIS, axis('bpm', 'HR /min')],
  scales: { bpm: { range: atLeast(45, 110) } },
};
const OXYGEN = {
  series: [{ label: 'SpO2', scale: '%', stroke: SPO2, width: 2 }] satisfies uPlot.Series[],
  legend: [{ label: 'SpO2', unit: '%', colour: SPO2 }] satisfies LegendEntry[],
  axes: [X_AXIS, axis('%', 'SpO2 %')],
  scales: { '%': { range: atLeast(86, 100, 101) } },
};

/** BP, HR and SpO2 each on a chart of its own unit, time axes aligned, the cursor shared. */
export function TrendCharts(props: {
  readings: VitalsEvent[];
  alerts: AlertView[];
  baseline: SessionBaseline | null;
  rules: ChartRules | null;
}) {
  const { readings, alerts, baseline, rules } = props;
  const now = useNow(5000);
  const height = useMemo(() => Math.round(Math.min(300, Math.max(150, window.innerHeight * 0.2))), []);
  const bpData = useMemo(() => columnsOf(readings, ['sbp', 'dbp']), [readings]);
  const hrData = useMemo(() => columnsOf(readings, ['hr']), [readings]);
  const spo2Data = useMemo(() => columnsOf(readings, ['spo2']), [readings]);
  const guides = useMemo(() => chartGuides(baseline, rules), [baseline, rules]);
  const bpEpisodes = useMemo(() => episodesOf(alerts, BP_KINDS, now), [alerts, now]);
  const hrEpisodes = useMemo(() => episodesOf(alerts, HR_KINDS, now), [alerts, now]);
  const spo2Episodes = useMemo(() => episodesOf(alerts, SPO2_KINDS, now), [alerts, now]);
  return (
    <>
      <VitalChart title="Blood pressure" data={bpData} {...guides.bp} episodes={bpEpisodes} height={height} {...BP} />
      <VitalChart title="Heart rate" data={hrData} {...guides.hr} episodes={hrEpisodes} height={height} {...PULSE} />
      <VitalChart
        title="Oxygen saturation"
        data={spo2Data}
        {...guides.spo2}
        episodes={spo2Episodes}
        height={height}
        {...OXYGEN}
      />
      <p className="chart-key muted">
        {baseline
          ? 'Teal band: the patient’s baseline (dashed) up to where a medium alert opens. '
          : 'The baseline band is drawn once the infusion has started. '}
        Dotted lines: the protocol’s alert limits (amber medium, red high). Shaded columns: alert episodes (red high,
        amber medium).
      </p>
    </>
  );
}
