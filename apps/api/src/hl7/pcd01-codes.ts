import type { MeasuredValues } from '#contracts';

/** A measurement of the reading an observation fills, and how strongly (lower wins when several fill it). */
export interface Target {
  field: keyof MeasuredValues;
  rank: number;
}

/**
 * OBX-3 observation identifiers we file, by coding system. MDC is ISO/IEEE 11073-10101 (what IHE PCD-01
 * gateways send); LOINC is accepted from gateways that translate. Heart rate has several sources: the ECG
 * first, then the oximeter's pulse, then the cuff's, then a generic pulse rate.
 */
export const MDC_OBSERVATIONS: Readonly<Record<string, Target>> = {
  '150021': { field: 'sbp', rank: 0 }, // MDC_PRESS_BLD_NONINV_SYS
  '150022': { field: 'dbp', rank: 0 }, // MDC_PRESS_BLD_NONINV_DIA
  '150023': { field: 'map', rank: 0 }, // MDC_PRESS_BLD_NONINV_MEAN
  '150301': { field: 'sbp', rank: 1 }, // MDC_PRESS_CUFF_SYS
  '150302': { field: 'dbp', rank: 1 }, // MDC_PRESS_CUFF_DIA
  '150303': { field: 'map', rank: 1 }, // MDC_PRESS_CUFF_MEAN
  '150456': { field: 'spo2', rank: 0 }, // MDC_PULS_OXIM_SAT_O2
  '147842': { field: 'hr', rank: 0 }, // MDC_ECG_HEART_RATE
  '149530': { field: 'hr', rank: 1 }, // MDC_PULS_OXIM_PULS_RATE
  '149546': { field: 'hr', rank: 2 }, // MDC_PULS_RATE_NON_INV
  '149514': { field: 'hr', rank: 3 }, // MDC_PULS_RATE
  '149522': { field: 'hr', rank: 3 }, // MDC_BLD_PULS_RATE_INV
  '151562': { field: 'rr', rank: 0 }, // MDC_RESP_RATE
  '151578': { field: 'rr', rank: 1 }, // MDC_TTHOR_RESP_RATE (impedance)
  '150344': { field: 'temp', rank: 0 }, // MDC_TEMP
  '150364': { field: 'temp', rank: 1 }, // MDC_TEMP_BODY
};

export const LOINC_OBSERVATIONS: Readonly<Record<string, Target>> = {
  '8480-6': { field: 'sbp', rank: 0 },
  '8462-4': { field: 'dbp', rank: 0 },
  '8478-0': { field: 'map', rank: 0 },
  '8867-4': { field: 'hr', rank: 0 },
  '59408-5': { field: 'spo2', rank: 0 },
  '2708-6': { field: 'spo2', rank: 1 },
  '9279-1': { field: 'rr', rank: 0 },
  '8310-5': { field: 'temp', rank: 0 },
};

/** Coding systems of OBX-3 as gateways spell them. */
export const MDC_SYSTEMS = new Set(['MDC', '99MDC']);
export const LOINC_SYSTEMS = new Set(['LN', 'LOINC']);

export type Quantity = 'pressure' | 'percent' | 'rate' | 'temperature';

export const QUANTITY_OF: Readonly<Record<keyof MeasuredValues, Quantity>> = {
  sbp: 'pressure',
  dbp: 'pressure',
  map: 'pressure',
  spo2: 'percent',
  hr: 'rate',
  rr: 'rate',
  temp: 'temperature',
};

interface Unit {
  quantity: Quantity;
  /** To the contract's unit (mmHg, %, /min, °C). */
  convert: (value: number) => number;
}

const same = (value: number) => value;
const mmHg: Unit = { quantity: 'pressure', convert: same };
const kPa: Unit = { quantity: 'pressure', convert: (v) => v * 7.500615758 };
const percent: Unit = { quantity: 'percent', convert: same };
const perMinute: Unit = { quantity: 'rate', convert: same };
const celsius: Unit = { quantity: 'temperature', convert: same };
const fahrenheit: Unit = { quantity: 'temperature', convert: (v) => ((v - 32) * 5) / 9 };

/**
 * OBX-6 units by MDC code (11073-10101 dimension codes), MDC reference id, or UCUM code. Anything
 * else is a unit we cannot convert, and the message is answered with an error rather than guessed at.
 */
export const UNITS: ReadonlyMap<string, Unit> = new Map([
  ['266016', mmHg],
  ['MDC_DIM_MMHG', mmHg],
  ['mm[Hg]', mmHg],
  ['mmHg', mmHg],
  ['268771', kPa],
  ['MDC_DIM_KILO_PASCAL', kPa],
  ['kPa', kPa],
  ['262688', percent],
  ['MDC_DIM_PERCENT', percent],
  ['%', percent],
  ['264864', perMinute],
  ['MDC_DIM_BEAT_PER_MIN', perMinute],
  ['264928', perMinute],
  ['MDC_DIM_RESP_PER_MIN', perMinute],
  ['/min', perMinute],
  ['{beat}/min', perMinute],
  ['{beats}/min', perMinute],
  ['{breath}/min', perMinute],
  ['{breaths}/min', perMinute],
  ['268192', celsius],
  ['MDC_DIM_DEGC', celsius],
  ['Cel', celsius],
  ['266560', fahrenheit],
  ['MDC_DIM_FAHR', fahrenheit],
  ['[degF]', fahrenheit],
]);

/** Result status (OBX-11) that carries a value: final, corrected, and PCD-01's "R" (device data not yet verified). */
export const VALUE_STATUSES = new Set(['F', 'C', 'R']);

/**
 * Values devices send to say "no valid measurement": the customary -999 family, and the 11073 FLOAT and
 * SFLOAT special values (NaN, NRes, ±infinity, reserved) when a gateway passes them through as numbers.
 */
export const SENTINELS = new Set([
  -999, -9999, -99999, 8388606, 8388607, 8388608, 8388609, 8388610, 2046, 2047, 2048, 2049, 2050,
]);
