import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
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

export class ObservationDto {
  @ApiProperty({ format: 'date-time' })
  @IsDateString({ strict: true })
  observedAt: string;

  @ApiProperty({
    minimum: 0,
    maximum: 5,
    description: 'Modified Observer\u2019s Assessment of Alertness/Sedation (5 = responds readily to name)',
  })
  @IsInt()
  @Min(0)
  @Max(5)
  moaas: number;

  @ApiProperty()
  @IsBoolean()
  oriented: boolean;

  @ApiProperty()
  @IsBoolean()
  steadyGait: boolean;

  @ApiProperty({ enum: ['none', 'mild', 'moderate', 'severe'] })
  @IsIn(['none', 'mild', 'moderate', 'severe'])
  nausea: 'none' | 'mild' | 'moderate' | 'severe';

  @ApiProperty({ minimum: 0, maximum: 10 })
  @IsInt()
  @Min(0)
  @Max(10)
  pain: number;

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
  @IsDateString({ strict: true })
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
  @IsDateString({ strict: true })
  followUpAt?: string;
}

export class SignOffDto {
  @ApiProperty({ description: 'The clinician\u2019s password, entered again' })
  @IsString()
  @Length(1, 200)
  password: string;

  @ApiProperty({ example: 'approved for discharge' })
  @IsString()
  @Length(3, 200)
  meaning: string;

  @ApiPropertyOptional({ description: 'Required when a criterion is not met; shown wherever the signature is' })
  @IsOptional()
  @IsString()
  @Length(3, 1000)
  overrideReason?: string;
}

export class AddendumDto {
  @ApiProperty()
  @IsString()
  @Length(1, 5000)
  text: string;
}
