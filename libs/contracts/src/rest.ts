import type { Role } from './sessions.js';
import type { ErrorCode } from './errors.js';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  siteIds: string[];
  active?: boolean;
}

export interface LoginResponse {
  accessToken: string;
  expiresIn: number;
  user: UserView;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  /** What was refused, from ERROR_CODES (e.g. `not_found`, `alert_unacknowledged`): clients branch on this. */
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
