import { formatAge } from '../format';
import type { AlarmCondition, AlarmPriority } from '../ward/alarm-signal';
import { freshness, type FRESHNESS } from '../ward/freshness';
import { isNoSignal, trendOf, type Trend, type TileVital, type VitalTrack } from '../ward/vital-track';

const ARROWS: Record<Trend, { glyph: string; words: string }> = {
  rising: { glyph: '↑', words: 'rising' },
  falling: { glyph: '↓', words: 'falling' },
  steady: { glyph: '→', words: 'steady' },
};

/** The alarm a value is part of: the readout is drawn in that alarm's colour and flashes with it. */
export interface ReadoutAlarm {
  priority: AlarmPriority;
  condition: AlarmCondition;
}

interface ReadoutProps {
  label: string;
  unit: string;
  vital: TileVital | 'bp';
  value: string | null;
  at: number | null;
  trend: Trend | null;
  noSignal: boolean;
  kind: keyof typeof FRESHNESS;
  now: number;
  live: boolean;
  alarm?: ReadoutAlarm | null;
}

function Readout({ label, unit, vital, value, at, trend, noSignal, kind, now, live, alarm }: ReadoutProps) {
  const age = at === null ? null : now - at;
  const fresh = value === null ? 'gone' : freshness(age, kind);
  const stale = fresh === 'stale' || (!live && fresh === 'fresh');
  const shown = fresh === 'gone' ? null : value;
  const classes = ['readout', `readout-${vital}`];
  if (stale) classes.push('stale');
  if (alarm) classes.push('in-alarm', `prio-${alarm.priority}`, `state-${alarm.condition}`);
  return (
    <div className={classes.join(' ')} data-freshness={stale ? 'stale' : fresh}>
      <span className="readout-label">
        {label} <span className="unit">{unit}</span>
      </span>
      <span className="readout-value">
        {shown === null ? (
          '—'
        ) : noSignal ? (
          <span className="no-signal">no signal</span>
        ) : (
          <>
            {shown}
            {trend && (
              <span className={`trend trend-${trend}`} title={ARROWS[trend].words}>
                <span aria-hidden="true">{ARROWS[trend].glyph}</span>
                <span className="visually-hidden"> {ARROWS[trend].words}</span>
              </span>
            )}
          </>
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
  alarm?: ReadoutAlarm | null;
}) {
  const { label, unit, track, vital, now, live, alarm } = props;
  return (
    <Readout
      label={label}
      unit={unit}
      vital={vital}
      now={now}
      live={live}
      alarm={alarm}
      value={track.latest ? String(Math.round(track.latest.value)) : null}
      at={track.latest?.at ?? null}
      trend={trendOf(track, vital)}
      noSignal={isNoSignal(track.latest)}
      kind="continuous"
    />
  );
}

/** SBP and DBP come from the same cuff reading and are read together; the arrow follows SBP. */
export function BloodPressureReadout({
  sbp,
  dbp,
  now,
  live,
  alarm,
}: {
  sbp: VitalTrack;
  dbp: VitalTrack;
  now: number;
  live: boolean;
  alarm?: ReadoutAlarm | null;
}) {
  const value = sbp.latest
    ? `${Math.round(sbp.latest.value)}/${dbp.latest ? Math.round(dbp.latest.value) : '—'}`
    : null;
  return (
    <Readout
      label="BP"
      unit="mmHg"
      vital="bp"
      value={value}
      at={sbp.latest?.at ?? null}
      trend={trendOf(sbp, 'sbp')}
      noSignal={isNoSignal(sbp.latest)}
      kind="cuff"
      now={now}
      live={live}
      alarm={alarm}
    />
  );
}
