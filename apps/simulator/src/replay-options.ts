import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_INTRANASAL_RULES,
  DEFAULT_IV_RULES,
  validateProtocolRules,
  type BaselineValues,
  type ProtocolRules,
} from '#vitals';

/** A mistake in what the user asked for: printed as one line naming it, exit code 2, no stack trace. */
export class UsageError extends Error {}

export const USAGE =
  'usage: npm run replay -- <file.csv> [--baseline SBP/DBP,HR[,SpO2]] [--infusion-start <s>] [--infusion-end <s>] ' +
  '[--protocol iv|intranasal|<rules.json>] [--start <ISO time>] [--json]';

export interface ReplayOptions {
  file: string;
  rules: ProtocolRules;
  protocolName: string;
  startMs: number;
  baseline: BaselineValues | null;
  infusionStartSeconds: number | null;
  infusionEndSeconds: number | null;
  json: boolean;
}

const seconds = (option: string, text: string | undefined): number | null => {
  if (text === undefined) return null;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new UsageError(`--${option}: "${text.slice(0, 40)}" is not a number of seconds (t_seconds of the file, ≥ 0)`);
  return value;
};

/** `125/78,72,98` → SBP 125, DBP 78, HR 72, SpO2 98 (SpO2 optional). */
export function parseBaseline(text: string): BaselineValues {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*(?:,\s*(\d+(?:\.\d+)?)\s*)?$/.exec(
    text,
  );
  const fail = (why: string) => new UsageError(`--baseline: "${text.slice(0, 40)}" ${why}`);
  if (!match) throw fail('is not SBP/DBP,HR[,SpO2], e.g. 125/78,72,98');
  const [sbp, dbp, hr] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const spo2 = match[4] === undefined ? null : Number(match[4]);
  if (sbp < 40 || sbp > 300 || dbp < 20 || dbp > 250 || dbp >= sbp) throw fail('is not a possible blood pressure');
  if (hr < 20 || hr > 300) throw fail('has a heart rate outside 20–300');
  if (spo2 !== null && (spo2 < 50 || spo2 > 100)) throw fail('has an SpO2 outside 50–100');
  return { sbp, dbp, hr, spo2 };
}

/** `iv`, `intranasal`, or a JSON file with a protocol's rules (or a whole protocol with `rules`). */
export function loadProtocol(value: string): { rules: ProtocolRules; name: string } {
  if (value === 'iv') return { rules: DEFAULT_IV_RULES, name: 'IV defaults' };
  if (value === 'intranasal') return { rules: DEFAULT_INTRANASAL_RULES, name: 'intranasal defaults' };
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch {
    throw new UsageError(`--protocol: "${value.slice(0, 80)}" is neither iv, intranasal nor a readable JSON file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--protocol: ${value.slice(0, 80)} is not valid JSON (${(error as Error).message})`);
  }
  const wrapped = typeof parsed === 'object' && parsed !== null && 'rules' in parsed;
  const checked = validateProtocolRules(wrapped ? (parsed as { rules: unknown }).rules : parsed);
  if (!checked.ok) throw new UsageError(`--protocol: ${value.slice(0, 80)}: ${checked.errors.join('; ')}`);
  return { rules: checked.rules, name: value };
}

export function parseReplayArgs(args: string[]): ReplayOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        baseline: { type: 'string' },
        'infusion-start': { type: 'string' },
        'infusion-end': { type: 'string' },
        protocol: { type: 'string', default: 'iv' },
        start: { type: 'string', default: '2026-01-05T08:00:00Z' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'no recording given' : 'give exactly one recording');
  const startMs = Date.parse(values.start!);
  if (!Number.isFinite(startMs)) throw new UsageError(`--start: "${values.start!.slice(0, 40)}" is not an ISO time`);
  const infusionStartSeconds = seconds('infusion-start', values['infusion-start']);
  const infusionEndSeconds = seconds('infusion-end', values['infusion-end']);
  if (infusionEndSeconds !== null && infusionStartSeconds !== null && infusionEndSeconds <= infusionStartSeconds)
    throw new UsageError(`--infusion-end: ${infusionEndSeconds} is not after --infusion-start ${infusionStartSeconds}`);
  const protocol = loadProtocol(values.protocol!);
  return {
    file: positionals[0]!,
    rules: protocol.rules,
    protocolName: protocol.name,
    startMs,
    baseline: values.baseline === undefined ? null : parseBaseline(values.baseline),
    infusionStartSeconds,
    infusionEndSeconds,
    json: values.json!,
  };
}
