import type { AlarmBurdenDay } from '#contracts';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { followWidth } from '../components/chart-width';

/** Per day: the engine's alerts against a plain threshold monitor's alarms (log scale: they differ by orders). */
export function BurdenChart({ days }: { days: AlarmBurdenDay[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const data: uPlot.AlignedData = [
      days.map((d) => Date.parse(`${d.date}T12:00:00Z`) / 1000),
      days.map((d) => Math.max(d.alerts, 0.5)),
      days.map((d) => Math.max(d.thresholdAlarms, 0.5)),
    ];
    // Side by side: the engine's bar left of the day, the threshold monitor's right of it.
    const left = uPlot.paths.bars!({ size: [0.3, 30], align: -1 });
    const right = uPlot.paths.bars!({ size: [0.3, 30], align: 1 });
    const chart = new uPlot(
      {
        width: element.clientWidth,
        height: 260,
        scales: { y: { distr: 3, range: (_u, _min, max) => [0.5, Math.max(10, max * 1.5)] } },
        series: [
          {},
          {
            label: 'Engine alerts',
            stroke: '#d29922',
            fill: 'rgba(210,153,34,0.7)',
            paths: left,
            points: { show: false },
          },
          {
            label: 'Threshold alarms',
            stroke: '#f85149',
            fill: 'rgba(248,81,73,0.45)',
            paths: right,
            points: { show: false },
          },
        ],
        axes: [
          { stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
          { label: 'per day (log)', stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
        ],
      },
      data,
      element,
    );
    return followWidth(chart, element);
  }, [days]);
  return <div ref={box} className="chart burden-chart" role="img" aria-label="Alerts and threshold alarms per day" />;
}
