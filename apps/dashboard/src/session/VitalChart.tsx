import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { Band, Column, Episode } from './chart-data';

export interface VitalChartProps {
  title: string;
  data: [number[], ...Column[]];
  series: uPlot.Series[];
  axes: uPlot.Axis[];
  scales: uPlot.Scales;
  bands: Band[];
  episodes: Episode[];
  height: number;
}

const EPISODE_FILL: Record<Episode['severity'], string> = {
  high: 'rgba(248, 81, 73, 0.22)',
  medium: 'rgba(210, 153, 34, 0.22)',
  low: 'rgba(139, 148, 158, 0.18)',
};

/** One uPlot chart. Bands and episodes are drawn under the lines, from a ref, so they follow without a rebuild. */
export function VitalChart({ title, data, series, axes, scales, bands, episodes, height }: VitalChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const overlay = useRef({ bands, episodes });
  overlay.current = { bands, episodes };
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const element = box.current!;
    const made = new uPlot(
      {
        width: element.clientWidth,
        height,
        series: [{}, ...series],
        axes,
        scales: { x: { time: true }, ...scales },
        cursor: { sync: { key: 'session-trend' } },
        hooks: { drawClear: [(u) => drawOverlay(u, overlay.current.bands, overlay.current.episodes)] },
      },
      latest.current as uPlot.AlignedData,
      element,
    );
    chart.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [series, axes, scales, height]);

  useEffect(() => {
    chart.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  useEffect(() => {
    chart.current?.redraw(false);
  }, [bands, episodes]);

  return <div className="chart" ref={box} role="img" aria-label={title} />;
}

function drawOverlay(u: uPlot, bands: Band[], episodes: Episode[]): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  for (const episode of episodes) {
    const left = u.valToPos(episode.from, 'x', true);
    const right = u.valToPos(episode.to, 'x', true);
    ctx.fillStyle = EPISODE_FILL[episode.severity];
    ctx.fillRect(left, bbox.top, Math.max(2, right - left), bbox.height);
  }
  for (const band of bands) {
    const top = u.valToPos(band.to, band.scale, true);
    const base = u.valToPos(band.from, band.scale, true);
    ctx.fillStyle = `${band.colour}26`;
    ctx.fillRect(bbox.left, top, bbox.width, Math.max(1, base - top));
    ctx.strokeStyle = band.colour;
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(bbox.left, base);
    ctx.lineTo(bbox.left + bbox.width, base);
    ctx.stroke();
  }
  ctx.restore();
}
