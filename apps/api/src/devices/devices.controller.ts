import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../identity/auth-user.js';
import { CurrentUser, Roles } from '../identity/decorators.js';
import type { CreatedDevice, DeviceView } from '#contracts';
import { DevicesService } from './devices.service.js';

/** An HL7 v2 gateway's identity for one device: MSH-3 and MSH-4, and the device's EUI-64 (OBX-18) or bed (PV1-3). */
export class Hl7SourceDto {
  @ApiProperty({
    example: 'AcmeGateway',
    description: 'MSH-3 sending application: its first component, or the whole field',
  })
  @IsString()
  @Length(1, 227)
  @Matches(/^[^|~\\&\r\n]+$/, { message: 'sendingApplication must not contain HL7 delimiters other than ^' })
  sendingApplication: string;

  @ApiPropertyOptional({ example: 'ICU', description: 'MSH-4 sending facility; omitted: any facility' })
  @IsOptional()
  @IsString()
  @Length(1, 227)
  @Matches(/^[^|~\\&\r\n]+$/, { message: 'sendingFacility must not contain HL7 delimiters other than ^' })
  sendingFacility?: string;

  @ApiPropertyOptional({ example: '0123456789ABCDEF', description: "The device's EUI-64 (16 hex digits)" })
  @IsOptional()
  @Matches(/^([0-9A-Fa-f]{2}[-:]?){7}[0-9A-Fa-f]{2}$/, { message: 'eui64 must be 16 hexadecimal digits' })
  eui64?: string;

  @ApiPropertyOptional({
    example: '3 WEST ICU^3001^1',
    description: 'PV1-3 assigned location, as the gateway sends it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[^|~\r\n]+$/, { message: 'bed must not contain | or ~' })
  bed?: string;
}

export class CreateDeviceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  siteId: string;

  @ApiProperty({ example: 'Chair 3 monitor' })
  @IsString()
  @Length(1, 120)
  name: string;

  /** Set for a monitor that reports over HL7 v2 (MLLP) instead of the socket protocol. */
  @ApiPropertyOptional({ type: Hl7SourceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => Hl7SourceDto)
  hl7Source?: Hl7SourceDto;
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /**
   * The token is in this response only; it is stored hashed and cannot be shown again. An HL7 source
   * gets no token (`token: null`): it is known by its MSH-3/MSH-4 and EUI-64 or bed instead.
   */
  @Roles('admin')
  @Post()
  create(@Body() dto: CreateDeviceDto, @Audit() context: AuditContext): Promise<CreatedDevice> {
    return this.devices.create(dto.siteId, dto.name, context, dto.hl7Source);
  }

  /** Admins see every device; staff see their sites' devices (to bind one to a session). */
  @Get()
  list(@CurrentUser() user: AuthUser): Promise<DeviceView[]> {
    return this.devices.list(user);
  }

  /** Revoked at once: the device's live sockets are dropped and its token stops working. */
  @Roles('admin')
  @Post(':id/revoke')
  revoke(@Param('id', ParseUUIDPipe) id: string, @Audit() context: AuditContext): Promise<DeviceView> {
    return this.devices.revoke(id, context);
  }
}
