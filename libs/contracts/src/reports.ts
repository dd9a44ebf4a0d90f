/** `GET /reports/alarm-burden`: the engine's alerts against a plain threshold monitor on the same readings. */
export interface AlarmBurdenReport {
  sessions: number;
  alerts: {
    total: number;
    clinical: number;
    perSession: number | null;
    byKind: Record<string, Record<string, number>>;
  };
  escalations: number;
  acknowledgement: {
    acknowledged: number;
    medianSeconds: number | null;
    p90Seconds: number | null;
    high: number;
    highWithin2Min: number;
    shareHighWithin2Min: number | null;
  };
  thresholdMonitor: {
    samples: number;
    alarms: number;
    perSession: number | null;
    /** Alarms per rule (the clinical alert kinds). */
    byRule: Record<string, number>;
  };
  /** Threshold-monitor alarms per clinical alert of the engine; null when the engine raised none. */
  ratio: number | null;
  perDay: AlarmBurdenDay[];
}

export interface AlarmBurdenDay {
  date: string;
  sessions: number;
  alerts: number;
  thresholdAlarms: number;
}
