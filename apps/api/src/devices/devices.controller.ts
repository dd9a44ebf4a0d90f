import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser, Roles } from '../auth/decorators.js';
import { type DeviceView, DevicesService } from './devices.service.js';

export class CreateDeviceDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  siteId: string;

  @ApiProperty({ example: 'Chair 3 monitor' })
  @IsString()
  @Length(1, 120)
  name: string;
}

@ApiTags('administration')
@ApiBearerAuth()
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  /** The token is in this response only; it is stored hashed and cannot be shown again. */
  @Roles('admin')
  @Post()
  create(@Body() dto: CreateDeviceDto, @Audit() context: AuditContext): Promise<DeviceView & { token: string }> {
    return this.devices.create(dto.siteId, dto.name, context);
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
