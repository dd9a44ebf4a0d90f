import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { followWidth } from '../components/chart-width';
import { type Band, type Column, type Episode, latestIndex, LIMIT, type Limit, NORMAL_BAND } from './chart-data';

export interface LegendEntry {
  label: string;
  unit: string;
  colour: string;
  dashed?: boolean;
}

export interface VitalChartProps {
  title: string;
  data: [number[], ...Column[]];
  series: uPlot.Series[];
  legend: LegendEntry[];
  axes: uPlot.Axis[];
  scales: uPlot.Scales;
  bands: Band[];
  limits: Limit[];
  episodes: Episode[];
  height: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** 24-hour clock time of uPlot's seconds, as the time axis prints it. */
export const clock = (seconds: number, withSeconds = true): string => {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
};

const EPISODE_FILL: Record<Episode['severity'], string> = {
  high: 'rgba(248, 81, 73, 0.22)',
  medium: 'rgba(210, 153, 34, 0.22)',
  low: 'rgba(139, 148, 158, 0.18)',
};

/**
 * One uPlot chart with its own legend: each line's newest value and time without hovering, the value
 * under the cursor while hovering. Bands, limits and episodes are drawn under the lines, from a ref,
 * so they follow without a rebuild.
 */
export function VitalChart(props: VitalChartProps) {
  const { title, data, series, legend, axes, scales, bands, limits, episodes, height } = props;
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const overlay = useRef({ bands, limits, episodes });
  overlay.current = { bands, limits, episodes };
  const latest = useRef(data);
  latest.current = data;
  const [hovered, setHovered] = useState<number | null>(null);

  useEffect(() => {
    const element = box.current!;
    const made = new uPlot(
      {
        width: element.clientWidth,
        height,
        series: [{}, ...series],
        axes,
        scales: { x: { time: true }, ...scales },
        legend: { show: false },
        cursor: { sync: { key: 'session-trend' } },
        hooks: {
          drawClear: [(u) => drawOverlay(u, overlay.current)],
          setCursor: [(u) => setHovered(u.cursor.idx ?? null)],
        },
      },
      latest.current as uPlot.AlignedData,
      element,
    );
    chart.current = made;
    const stop = followWidth(made, element);
    return () => {
      stop();
      chart.current = null;
    };
  }, [series, axes, scales, height]);

  useEffect(() => {
    chart.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  useEffect(() => {
    chart.current?.redraw(false);
  }, [bands, limits, episodes]);

  return (
    <figure className="vital-chart">
      <figcaption className="chart-legend" aria-live="off">
        <span className="chart-title">{title}</span>
        {legend.map((entry, i) => {
          const column = data[i + 1] as Column;
          const index = hovered ?? latestIndex(column);
          const value = index === null ? null : column[index];
          const at = index === null ? null : data[0][index];
          return (
            <span key={entry.label} className="legend-entry" data-series={entry.label}>
              <span
                className={`legend-swatch${entry.dashed ? ' dashed' : ''}`}
                style={{ borderColor: entry.colour }}
                aria-hidden="true"
              />
              {entry.label}{' '}
              <strong className="legend-value">
                {value === null || value === undefined ? '—' : Math.round(value)}
              </strong>{' '}
              {entry.unit}
              {at !== null && at !== undefined && (
                <span className="muted">
                  {' '}
                  {hovered === null ? 'latest' : 'at'} {clock(at)}
                </span>
              )}
            </span>
          );
        })}
      </figcaption>
      <div className="chart" ref={box} role="img" aria-label={`${title} against time`} />
    </figure>
  );
}

function drawOverlay(u: uPlot, { bands, limits, episodes }: { bands: Band[]; limits: Limit[]; episodes: Episode[] }) {
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
    ctx.fillStyle = `${NORMAL_BAND}24`;
    ctx.fillRect(bbox.left, top, bbox.width, Math.max(1, base - top));
    ctx.strokeStyle = NORMAL_BAND;
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = devicePixelRatio;
    line(ctx, bbox, base);
  }
  ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  // Labels at the left, where the oldest readings are: a high limit's under its line, a medium one's
  // above, so two close limits (SpO2 92 and 90) do not print over each other.
  for (const limit of limits) {
    const y = u.valToPos(limit.value, limit.scale, true);
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.strokeStyle = LIMIT[limit.severity];
    ctx.fillStyle = LIMIT[limit.severity];
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = devicePixelRatio;
    line(ctx, bbox, y);
    ctx.textBaseline = limit.severity === 'high' ? 'top' : 'bottom';
    const offset = (limit.severity === 'high' ? 3 : -3) * devicePixelRatio;
    ctx.fillText(limit.label, bbox.left + 4 * devicePixelRatio, y + offset);
  }
  ctx.restore();
}

function line(ctx: CanvasRenderingContext2D, bbox: uPlot.BBox, y: number) {
  ctx.beginPath();
  ctx.moveTo(bbox.left, y);
  ctx.lineTo(bbox.left + bbox.width, y);
  ctx.stroke();
}
