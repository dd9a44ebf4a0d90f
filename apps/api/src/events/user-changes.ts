import { Injectable } from '@nestjs/common';
import { DomainEvents } from './domain-events.js';

/** Why a user's access changed. Every reason but `updated` ends or narrows what their tokens may do. */
export type UserChangeReason =
  | 'deactivated'
  | 'password_changed'
  | 'signed_out_everywhere'
  | 'token_revoked'
  | 'role_changed'
  | 'sites_changed'
  | 'updated';

/** A committed change of a user's access: plain data, so that it can cross to other instances. */
export interface UserChange {
  userId: string;
  reasons: UserChangeReason[];
  /** The one token signed out, for `token_revoked`, with when it would have expired. */
  token?: { jti: string; expiresAtMs: number };
}

/**
 * Where changes of users' access are published and heard. The caches of users and signed-out tokens
 * (auth/user-directory.ts, auth/revoked-tokens.ts) and the open ward sockets rely on hearing every
 * change, so every write to a user's role, sites, activity, password or token version publishes one
 * after it commits. This implementation is in-process: with several instances a cross-instance bus
 * (Redis pub/sub) takes its place behind the same two methods.
 */
export abstract class UserChanges {
  abstract publish(change: UserChange): void;
  abstract subscribe(listener: (change: UserChange) => void): () => void;
}

@Injectable()
export class LocalUserChanges extends UserChanges {
  constructor(private readonly events: DomainEvents) {
    super();
  }

  publish(change: UserChange): void {
    this.events.emit('user.changed', change);
  }

  subscribe(listener: (change: UserChange) => void): () => void {
    return this.events.on('user.changed', listener);
  }
}
