import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Acknowledgement outcomes: `stored`, `duplicate`, or the refusal's code (a short, fixed list). */
export type AckOutcome = string;

/**
 * The instance's Prometheus metrics. Labels are only ever drawn from short fixed lists (outcomes,
 * transition types, namespaces): never a device, session or user, so a scrape stays small and the
 * hot path's cost does not grow with the clinic.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly acks = new Counter({
    name: 'im_reading_acks_total',
    help: 'Reading acknowledgements sent, by outcome (stored, duplicate, or the refusal code)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  /** The counter's child per outcome, so counting an acknowledgement does not hash its labels. */
  private readonly ackCounters = new Map<AckOutcome, Counter.Internal>();
  private readonly ackSeconds = new Histogram({
    name: 'im_reading_ack_seconds',
    help: 'Time from a reading reaching the service to its acknowledgement (after the commit)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly transitions = new Counter({
    name: 'im_alert_transitions_total',
    help: 'Alert transitions this instance stored, by type and severity',
    labelNames: ['type', 'severity'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  ack(outcome: AckOutcome, seconds: number): void {
    let counter = this.ackCounters.get(outcome);
    if (!counter) this.ackCounters.set(outcome, (counter = this.acks.labels(outcome)));
    counter.inc();
    this.ackSeconds.observe(seconds);
  }

  alertTransition(type: string, severity: string): void {
    this.transitions.labels(type, severity).inc();
  }

  /** A gauge read when Prometheus scrapes (nothing is computed between scrapes). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** A gauge with one label, read when Prometheus scrapes: `read` returns the value per label value. */
  gaugeBy(name: string, help: string, label: string, read: () => Record<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        for (const [value, count] of Object.entries(read())) this.set({ [label]: value }, count);
      },
    });
  }
}
