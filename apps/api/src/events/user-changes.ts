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

/** `userId` of a change that may concern anyone: changes may have been missed, so re-read everything. */
export const ANY_USER = '*';

/** A committed change of a user's access: plain data, so that it can cross to other instances. */
export interface UserChange {
  /** The user, or `ANY_USER` when changes may have been missed (Redis was away). */
  userId: string;
  reasons: UserChangeReason[];
  /** The one token signed out, for `token_revoked`, with when it would have expired. */
  token?: { jti: string; expiresAtMs: number };
}

/**
 * Where changes of users' access are published and heard. The caches of users and signed-out tokens
 * (auth/user-directory.ts, auth/revoked-tokens.ts) and the open ward sockets rely on hearing every
 * change, so every write to a user's role, sites, activity, password or token version publishes one
 * after it commits. `LocalUserChanges` is in-process; with several instances `ClusterUserChanges`
 * (cluster/cluster-user-changes.ts) carries each change to every instance over Redis as well.
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
