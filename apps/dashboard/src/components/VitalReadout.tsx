import { formatAge } from '../format';
import { isNoSignal, trendOf, type Trend, type TileVital, type VitalTrack } from '../ward/vital-track';

/** Older than this, a value is greyed: HR and SpO2 come each second, a cuff reading every few minutes. */
const STALE_AFTER_MS: Record<'continuous' | 'cuff', number> = { continuous: 30_000, cuff: 10 * 60_000 };

const ARROWS: Record<Trend, { glyph: string; words: string }> = {
  rising: { glyph: '↑', words: 'rising' },
  falling: { glyph: '↓', words: 'falling' },
  steady: { glyph: '→', words: 'steady' },
};

interface ReadoutProps {
  label: string;
  unit: string;
  value: string | null;
  at: number | null;
  trend: Trend | null;
  noSignal: boolean;
  staleAfterMs: number;
  now: number;
  live: boolean;
}

function Readout({ label, unit, value, at, trend, noSignal, staleAfterMs, now, live }: ReadoutProps) {
  const age = at === null ? null : now - at;
  const stale = !live || (age !== null && age > staleAfterMs);
  return (
    <div className={`readout${stale ? ' stale' : ''}`}>
      <span className="readout-label">
        {label} <span className="unit">{unit}</span>
      </span>
      <span className="readout-value">
        {value === null ? '—' : noSignal ? 'no signal' : value}
        {trend && !noSignal && (
          <span className={`trend trend-${trend}`} title={ARROWS[trend].words}>
            <span aria-hidden="true">{ARROWS[trend].glyph}</span>
            <span className="visually-hidden"> {ARROWS[trend].words}</span>
          </span>
        )}
      </span>
      <span className="readout-age">
        {age === null ? 'no reading' : `${formatAge(age)} ago`}
        {stale && age !== null && <span className="visually-hidden"> (not current)</span>}
      </span>
    </div>
  );
}

export function VitalReadout(props: {
  label: string;
  unit: string;
  vital: TileVital;
  track: VitalTrack;
  now: number;
  live: boolean;
}) {
  const { label, unit, track, vital, now, live } = props;
  return (
    <Readout
      label={label}
      unit={unit}
      now={now}
      live={live}
      value={track.latest ? String(Math.round(track.latest.value)) : null}
      at={track.latest?.at ?? null}
      trend={trendOf(track, vital)}
      noSignal={isNoSignal(track.latest)}
      staleAfterMs={STALE_AFTER_MS.continuous}
    />
  );
}

/** SBP and DBP come from the same cuff reading and are read together; the arrow follows SBP. */
export function BloodPressureReadout({
  sbp,
  dbp,
  now,
  live,
}: {
  sbp: VitalTrack;
  dbp: VitalTrack;
  now: number;
  live: boolean;
}) {
  const value = sbp.latest
    ? `${Math.round(sbp.latest.value)}/${dbp.latest ? Math.round(dbp.latest.value) : '—'}`
    : null;
  return (
    <Readout
      label="BP"
      unit="mmHg"
      value={value}
      at={sbp.latest?.at ?? null}
      trend={trendOf(sbp, 'sbp')}
      noSignal={isNoSignal(sbp.latest)}
      staleAfterMs={STALE_AFTER_MS.cuff}
      now={now}
      live={live}
    />
  );
}
