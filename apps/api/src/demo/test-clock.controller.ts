import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Roles } from '../identity/decorators.js';
import { Clock } from '../common/clock.js';

export class AdvanceClockDto {
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600 * 1000)
  advanceMs: number;
}

/** Moves the clinical clock forward. Registered only when TEST_CLOCK=1 and not in production. */
@ApiExcludeController()
@Controller('test/clock')
export class TestClockController {
  constructor(private readonly clock: Clock) {}

  @Roles('admin', 'clinician', 'nurse')
  @Post()
  @HttpCode(200)
  advance(@Body() dto: AdvanceClockDto) {
    this.clock.advance(dto.advanceMs);
    return { now: this.clock.now().toISOString() };
  }
}
