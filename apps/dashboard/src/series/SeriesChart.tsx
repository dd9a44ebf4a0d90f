import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { followWidth } from '../components/chart-width';
import type { SeriesInfusion } from '#contracts';

/** Peak rises above baseline (mmHg, /min) across infusions 1…n, one point per infusion. */
export function SeriesChart({ infusions }: { infusions: SeriesInfusion[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const rise = (pick: (i: SeriesInfusion) => number | null | undefined) => infusions.map((i) => pick(i) ?? null);
    const data: uPlot.AlignedData = [
      infusions.map((i) => i.infusion),
      rise((i) => i.peak.sbp?.rise),
      rise((i) => i.peak.dbp?.rise),
      rise((i) => i.peak.hr?.rise),
    ];
    const point = { size: 8 };
    const chart = new uPlot(
      {
        width: element.clientWidth,
        height: 260,
        scales: { x: { time: false } },
        series: [
          { label: 'Infusion' },
          { label: 'SBP rise (mmHg)', stroke: '#f85149', width: 2, points: point },
          { label: 'DBP rise (mmHg)', stroke: '#d29922', width: 2, points: point },
          { label: 'HR rise (/min)', stroke: '#3fb950', width: 2, points: point },
        ],
        axes: [
          {
            label: 'Infusion',
            stroke: '#c9d1d9',
            grid: { stroke: '#30363d' },
            incrs: [1],
            values: (_, ticks) => ticks.map(String),
          },
          { label: 'Peak rise above baseline', stroke: '#c9d1d9', grid: { stroke: '#30363d' } },
        ],
      },
      data,
      element,
    );
    return followWidth(chart, element);
  }, [infusions]);
  return <div ref={box} className="chart series-chart" role="img" aria-label="Peak rises across infusions" />;
}
