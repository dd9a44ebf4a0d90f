import { Injectable } from '@nestjs/common';

/**
 * The server's clock for time-based clinical criteria (minimum observation). Tests move it forward
 * through the test-clock endpoint, which exists only when TEST_CLOCK=1 outside production.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
