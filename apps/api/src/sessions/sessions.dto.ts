import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PHASES, type Phase } from '#contracts';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTime } from '../common/iso-date.js';
import { TimeRangeQuery } from '../common/time-range.js';

export class ConsentDto {
  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  obtainedAt: string;

  @ApiProperty({ example: 'A. Patel, RN' })
  @IsString()
  @Length(1, 120)
  witnessedBy: string;
}

export class CreateSessionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  siteId: string;

  @ApiProperty({ description: 'The clinic\u2019s reference for the patient (MRN or similar)', example: 'MRN-004211' })
  @IsString()
  @Length(1, 64)
  patientRef: string;

  @ApiProperty({ example: 'Chair 3' })
  @IsString()
  @Length(1, 40)
  chair: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  deviceId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  protocolId: string;

  @ApiProperty({ example: 72.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(20)
  @Max(350)
  weightKg: number;

  @ApiProperty({ example: 0.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(5)
  plannedDoseMgPerKg: number;

  @ApiProperty({ description: 'Which infusion of the patient\u2019s series this is (1 = first)', example: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  seriesNumber: number;

  @ApiProperty({ type: ConsentDto })
  // ValidateNested alone lets a missing consent or an array through.
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent: ConsentDto;
}

export class InfusionStartDto {
  @ApiPropertyOptional({ description: 'A clinician\u2019s reason to start despite an unmet pre-dose gate' })
  @IsOptional()
  @IsString()
  @Length(3, 500)
  overrideReason?: string;
}

export class AbortDto {
  @ApiProperty()
  @IsString()
  @Length(3, 500)
  reason: string;
}

export class ListSessionsQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  siteId?: string;

  @ApiPropertyOptional({ enum: PHASES })
  @IsOptional()
  @IsIn(PHASES)
  phase?: Phase;
}

export class ReadingsQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ default: 1000, minimum: 10, maximum: 20000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(20000)
  maxPoints?: number;
}
