import type { Role } from './sessions.js';

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
  /** The domain's code of the refusal (e.g. `alert_unacknowledged`, `last_admin`), for clients to branch on. */
  code?: string;
  message: string;
  details?: Record<string, unknown>;
}
