import type { DetectionEngine, ValidReading } from '#vitals';

/** A session's engine, live in this process, with the queue that keeps its work in order. */
export interface LiveEngine {
  sessionId: string;
  siteId: string;
  engine: DetectionEngine;
  queue: Promise<unknown>;
  /** When the state changed without being saved (null: saved). */
  unsavedSinceMs: number | null;
  /** Readings the rebuild already replayed (device seq), skipped if their batch is processed after it. */
  replayed: Set<number>;
  /** A task failed: the engine is replaced by one rebuilt from the database. */
  failed: boolean;
  /** The lease's epoch this engine writes under (null: a single instance, no lease). */
  epoch: number | null;
  /** The last stored reading fed to the engine, by (recorded_at, seq): where reading committed rows resumes. */
  cursor: ReadingCursor;
}

export interface ReadingCursor {
  ms: number;
  seq: number;
}

/** Where a (recordedAt, seq) stands after the cursor: > 0 after it. */
export const afterCursor = (cursor: ReadingCursor, reading: ValidReading): number =>
  reading.recordedAtMs - cursor.ms || reading.seq - cursor.seq;
