import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { SIGN_OFF_MEANING_CODES, type SignOffMeaning } from '#contracts';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsIsoDateTime } from '../common/iso-date.js';

export class ObservationDto {
  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  observedAt: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 5,
    description: 'Modified Observer\u2019s Assessment of Alertness/Sedation (5 = responds readily to name)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  moaas?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  oriented?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  steadyGait?: boolean;

  @ApiPropertyOptional({ enum: ['none', 'mild', 'moderate', 'severe'] })
  @IsOptional()
  @IsIn(['none', 'mild', 'moderate', 'severe'])
  nausea?: 'none' | 'mild' | 'moderate' | 'severe';

  @ApiPropertyOptional({ minimum: 0, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  pain?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;

  @ApiPropertyOptional({
    enum: ['none', 'mild', 'moderate', 'severe'],
    description: 'Dissociation (esketamine REMS form); leave out when not assessed',
  })
  @IsOptional()
  @IsIn(['none', 'mild', 'moderate', 'severe'])
  dissociation?: 'none' | 'mild' | 'moderate' | 'severe';

  @ApiPropertyOptional({
    description: 'Signs of respiratory depression (esketamine REMS form); leave out when not assessed',
  })
  @IsOptional()
  @IsBoolean()
  respiratoryDepression?: boolean;
}

export class EscortDto {
  @ApiProperty()
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ example: 'sister' })
  @IsString()
  @Length(1, 60)
  relationship: string;

  @ApiProperty({ example: '+44 7700 900123' })
  @IsString()
  @Matches(/^\+?[0-9 ()-]{6,24}$/, { message: 'phone must be a telephone number' })
  phone: string;
}

export class ChecklistDto {
  @ApiProperty({ type: EscortDto })
  // ValidateNested alone lets a missing escort or an array through.
  @IsObject()
  @ValidateNested()
  @Type(() => EscortDto)
  escort: EscortDto;

  @ApiPropertyOptional({ format: 'date-time', description: 'When staff confirmed the escort is present' })
  @IsOptional()
  @IsIsoDateTime()
  escortPresentAt?: string;

  @ApiProperty()
  @IsBoolean()
  noDrivingAcknowledged: boolean;

  @ApiProperty()
  @IsBoolean()
  instructionsGiven: boolean;

  @ApiProperty()
  @IsBoolean()
  belongingsReturned: boolean;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsIsoDateTime()
  followUpAt?: string;
}

export class SignOffDto {
  @ApiProperty({ description: 'The clinician\u2019s password, entered again' })
  @IsString()
  @Length(1, 200)
  password: string;

  @ApiProperty({ enum: SIGN_OFF_MEANING_CODES, description: 'What the signature means, from a fixed list' })
  @IsIn(SIGN_OFF_MEANING_CODES, { message: `meaning must be one of: ${SIGN_OFF_MEANING_CODES.join(', ')}` })
  meaning: SignOffMeaning;

  @ApiPropertyOptional({
    description:
      'Required when a criterion is not met (meanings discharge_approved_override, left_against_advice): a sentence of at least 20 characters and 4 words; shown wherever the signature is',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  overrideReason?: string;
}

export class AddendumDto {
  @ApiProperty()
  @IsString()
  @Length(1, 5000)
  text: string;
}
