import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ANY_USER, UserChanges } from '../events/user-changes.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '../identity/auth-user.js';

type Entry = { user: AuthUser; tokenVersion: number } | null;

/** More users than a clinic group has; past it the cache starts again rather than grow. */
const MAX_ENTRIES = 20_000;

/**
 * The users behind access tokens, cached in the process so that checking a token costs no query.
 * Safe only because every change of a user's role, sites, activity, password or token version is
 * published on UserChanges after it commits: a change drops the user's entry, and the next token of
 * theirs reads the row again. A read that was in flight when a change arrived is not kept.
 */
@Injectable()
export class UserDirectory implements OnModuleDestroy {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  /** Bumped by every change, so that a read begun before it is not cached after it. */
  private changes = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly users: UsersService,
    userChanges: UserChanges,
  ) {
    this.unsubscribe = userChanges.subscribe(({ userId }) => {
      this.changes++;
      if (userId === ANY_USER) {
        this.cache.clear();
        this.loading.clear();
        return;
      }
      this.cache.delete(userId);
      this.loading.delete(userId);
    });
  }

  /** The active user with this id and their current token version, or `null`. */
  find(id: string): Promise<Entry> {
    if (this.cache.has(id)) return Promise.resolve(this.cache.get(id)!);
    let pending = this.loading.get(id);
    if (!pending) {
      const changesBefore = this.changes;
      pending = this.users.findAuthUser(id).then(
        (entry) => {
          if (this.loading.get(id) === pending) this.loading.delete(id);
          if (this.changes === changesBefore) {
            if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
            this.cache.set(id, entry);
          }
          return entry;
        },
        (error: unknown) => {
          if (this.loading.get(id) === pending) this.loading.delete(id);
          throw error;
        },
      );
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** Reads the user again, bypassing the cache (a ward socket re-checked after a change). */
  async fresh(id: string): Promise<Entry> {
    this.cache.delete(id);
    return this.find(id);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
