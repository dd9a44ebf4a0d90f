import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { TimeRangeQuery } from '../common/time-range.js';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuditFilterQuery extends TimeRangeQuery {
  @ApiPropertyOptional({ description: 'A user or device id, or a username' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({
    description: 'An action (`session.read`), or a prefix ending in `*` (`session.*`)',
    example: 'session.*',
  })
  @IsOptional()
  @Matches(/^[a-z_.]+\*?$/, { message: 'action must be like session.read or session.*' })
  action?: string;

  @ApiPropertyOptional({ example: 'session' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  siteId?: string;
}

export class AuditListQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ description: 'From the previous page\u2019s `nextCursor`' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'cursor must come from nextCursor' })
  cursor?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AuditExportQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'])
  format?: 'csv' | 'ndjson';
}
