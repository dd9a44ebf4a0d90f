import { readFileSync } from 'node:fs';
import { DEFAULT_IV_RULES } from '../protocol.js';
import { csvToReadings, parseVitalsCsv } from '../csv.js';
import { DetectionEngine } from './engine.js';
import { syntheticSession } from '../synthetic.js';
import { replaySession } from './engine.js';

it('scratch', () => {
  for (const [file, split] of [['icu-bp-surge-133243.csv', 22000], ['icu-artefacts-s00001.csv', 4200]] as const) {
    const readings = csvToReadings(parseVitalsCsv(readFileSync(`test/fixtures/${file}`, 'utf8')), 0);
    const e = DetectionEngine.create(DEFAULT_IV_RULES);
    const out: string[] = [];
    for (const r of readings) {
      if (r.recordedAtMs >= split * 1000 && e.phase === 'baseline') {
        e.setPhase('infusing', split * 1000);
        out.push(JSON.stringify(e.baseline));
      }
      for (const ev of e.addReading(r)) if (ev.alert.kind !== 'signal_lost' || ev.type === 'opened') out.push(`${ev.atMs / 1000} ${ev.type} ${ev.alert.id} ${ev.alert.severity} ${ev.alert.state} ${ev.alert.message} ${JSON.stringify(ev.alert.peak)}`);
    }
    console.log(file + '\n' + out.join('\n'));
  }
  let highs = 0, mediums = 0;
  const t0 = Date.now();
  for (let seed = 1; seed <= 200; seed++) {
    const s = syntheticSession({ seed, intervalSeconds: 5 });
    const { events } = replaySession(DEFAULT_IV_RULES, s.inputs);
    const opened = events.filter((e) => e.type === 'opened' || e.type === 'upgraded');
    if (opened.some((e) => e.alert.severity === 'high')) highs++;
    if (opened.length) { mediums++; console.log(seed, opened.map((e) => e.alert.message).join(' | ')); }
  }
  console.log('typical', highs, mediums, Date.now() - t0);
  let sev = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const s = syntheticSession({ seed, intervalSeconds: 5, severe: true });
    const { events } = replaySession(DEFAULT_IV_RULES, s.inputs);
    if (events.some((e) => e.alert.severity === 'high' && e.alert.kind === 'bp_rise')) sev++;
  }
  console.log('severe', sev);
});
