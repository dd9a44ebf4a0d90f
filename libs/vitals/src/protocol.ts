/**
 * The clinical rules of one protocol version. Stored as data (a versioned row); every number is a
 * default of CLINICAL.md that a clinic may change by publishing a new version.
 */
export interface ProtocolRules {
  baseline: {
    minCuffReadings: number;
    minContinuousSeconds: number;
    predoseMaxSbp: number;
    predoseMaxDbp: number;
  };
  bpRise: { mediumPct: number; highPct: number; highSbp: number; highDbp: number; confirmReadings: number };
  hrRise: { mediumPct: number; mediumMin: number; highPct: number; highMin: number; persistSeconds: number };
  spo2Low: { medium: number; high: number; persistSeconds: number };
  hrLow: { medium: number; high: number; persistSeconds: number };
  signalLost: { noReadingSeconds: number; zeroSeconds: number };
  episode: { clearSeconds: number };
  escalation: { highUnacknowledgedSeconds: number; reminderSeconds: number };
  recovery: {
    minObservationMinutes: number;
    observeFrom: 'infusion_end' | 'dosing';
    vitalsBandPct: number;
    minSpo2: number;
  };
}

export const DEFAULT_IV_RULES: ProtocolRules = {
  baseline: { minCuffReadings: 2, minContinuousSeconds: 60, predoseMaxSbp: 140, predoseMaxDbp: 90 },
  bpRise: { mediumPct: 20, highPct: 40, highSbp: 180, highDbp: 110, confirmReadings: 2 },
  hrRise: { mediumPct: 20, mediumMin: 100, highPct: 40, highMin: 130, persistSeconds: 15 },
  spo2Low: { medium: 92, high: 90, persistSeconds: 15 },
  hrLow: { medium: 50, high: 40, persistSeconds: 15 },
  signalLost: { noReadingSeconds: 60, zeroSeconds: 15 },
  episode: { clearSeconds: 30 },
  escalation: { highUnacknowledgedSeconds: 120, reminderSeconds: 180 },
  recovery: { minObservationMinutes: 60, observeFrom: 'infusion_end', vitalsBandPct: 20, minSpo2: 92 },
};

export const DEFAULT_INTRANASAL_RULES: ProtocolRules = {
  ...DEFAULT_IV_RULES,
  recovery: { ...DEFAULT_IV_RULES.recovery, minObservationMinutes: 120, observeFrom: 'dosing' },
};
