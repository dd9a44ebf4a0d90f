import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { LoginResponse, UserView } from '#contracts';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { Audit, type AuditContext } from '../audit/audit-context.js';
import type { AuthUser, Credential } from '../identity/auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentCredential, CurrentUser, Public } from '../identity/decorators.js';

export class LoginDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  currentPassword: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  newPassword: string;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() dto: LoginDto, @Audit() context: AuditContext): Promise<LoginResponse> {
    return this.auth.login(dto.username, dto.password, context);
  }

  /** Ends this token at once (other sign-ins of the same user go on). */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentCredential() credential: Credential, @Audit() context: AuditContext): Promise<void> {
    return this.auth.logout(credential, context);
  }

  /** Ends every token of the caller at once, on every device, and closes their ward screens. */
  @ApiBearerAuth()
  @Post('logout-all')
  @HttpCode(204)
  logoutAll(@CurrentUser() user: AuthUser, @Audit() context: AuditContext): Promise<void> {
    return this.auth.logoutEverywhere(user, context);
  }

  /** The caller's own password: ends every token of theirs and answers with a new one for this screen. */
  @ApiBearerAuth()
  @Post('password')
  @HttpCode(200)
  changePassword(
    @CurrentCredential() credential: Credential,
    @Body() dto: ChangePasswordDto,
    @Audit() context: AuditContext,
  ): Promise<LoginResponse> {
    return this.auth.changePassword(credential, dto.currentPassword, dto.newPassword, context);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser): UserView {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      siteIds: user.siteIds,
    };
  }
}
