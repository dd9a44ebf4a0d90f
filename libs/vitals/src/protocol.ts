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
  bpRise: {
    mediumPct: number;
    highPct: number;
    highSbp: number;
    highDbp: number;
    confirmReadings: number;
    /**
     * Implausible cuff readings (pulse pressure < 20 or > 100, MAP outside DBP…SBP) need a confirming
     * reading before they open or upgrade a bp_rise. Absent in protocol versions published before
     * this rule existed: those keep the old behaviour (off).
     */
    bpPlausibility?: boolean;
  };
  hrRise: { mediumPct: number; mediumMin: number; highPct: number; highMin: number; persistSeconds: number };
  spo2Low: { medium: number; high: number; persistSeconds: number };
  hrLow: { medium: number; high: number; persistSeconds: number };
  signalLost: {
    noReadingSeconds: number;
    zeroSeconds: number;
    /**
     * Per-parameter technical alerts: HR (SpO2) 0 or absent this long while SpO2 (HR) still arrives.
     * Absent in versions published before the rule existed: no hr_/spo2_signal_lost for those.
     */
    sensorSeconds?: number;
    /** The cuff's cycle; bp_overdue after twice this without a cuff reading while infusing. Absent: off. */
    cuffIntervalMinutes?: number;
  };
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
  bpRise: { mediumPct: 20, highPct: 40, highSbp: 180, highDbp: 110, confirmReadings: 2, bpPlausibility: true },
  hrRise: { mediumPct: 20, mediumMin: 100, highPct: 40, highMin: 130, persistSeconds: 15 },
  spo2Low: { medium: 92, high: 90, persistSeconds: 15 },
  hrLow: { medium: 50, high: 40, persistSeconds: 15 },
  signalLost: { noReadingSeconds: 60, zeroSeconds: 15, sensorSeconds: 60, cuffIntervalMinutes: 5 },
  episode: { clearSeconds: 30 },
  escalation: { highUnacknowledgedSeconds: 120, reminderSeconds: 180 },
  recovery: { minObservationMinutes: 60, observeFrom: 'infusion_end', vitalsBandPct: 20, minSpo2: 92 },
};

export const DEFAULT_INTRANASAL_RULES: ProtocolRules = {
  ...DEFAULT_IV_RULES,
  recovery: { ...DEFAULT_IV_RULES.recovery, minObservationMinutes: 120, observeFrom: 'dosing' },
};
