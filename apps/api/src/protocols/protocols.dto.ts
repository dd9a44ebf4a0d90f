import { ApiProperty } from '@nestjs/swagger';
import type { ProtocolRules } from '#vitals';
import { IsIn, IsObject, IsString, Length, Matches } from 'class-validator';

export class PublishProtocolDto {
  @ApiProperty({ description: 'Stable key of the protocol; a new version is added under it', example: 'iv-ketamine' })
  @IsString()
  @Matches(/^[a-z0-9-]{2,64}$/)
  key: string;

  @ApiProperty({ example: 'IV ketamine 0.5 mg/kg over 40 min' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ['iv', 'intranasal'] })
  @IsIn(['iv', 'intranasal'])
  route: 'iv' | 'intranasal';

  @ApiProperty({ description: 'The clinical rules; see docs/clinical-rules.md', type: Object })
  @IsObject()
  rules: ProtocolRules;
}
