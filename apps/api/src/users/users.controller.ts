import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { UserView } from '#contracts';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import { Roles } from '../identity/decorators.js';
import { CreateUserDto, UpdateUserDto } from './users.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('administration')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  create(@Body() dto: CreateUserDto, @Audit() context: AuditContext): Promise<UserView> {
    return this.users.create(dto, context);
  }

  @Get()
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Patch(':id')
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
    @Audit() context: AuditContext,
  ): Promise<UserView> {
    return this.users.update(id, dto, context);
  }
}
