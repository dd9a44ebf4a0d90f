import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone, Length } from 'class-validator';

export class CreateSiteDto {
  @ApiProperty({ example: 'Northside Clinic' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiPropertyOptional({ example: 'Europe/London' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

export class UpdateSiteDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/London', description: 'IANA time zone; records print their times in it' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}
