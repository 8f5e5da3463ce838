import type { Viewer } from "../shared/viewer";

interface Entry {
  viewer: Viewer;
  /** Clock times (ms): when it was read from MariaDB, and the last instant it may be used. */
  storedAt: number;
  until: number;
}

/**
 * Sessions this process checked in MariaDB recently, with their viewer, so a signed-in request
 * need not read the user, roles, organization, unit and session again (authenticate.ts).
 *
 * An entry lives `ttlMs` at most, and never past its session's last refresh-token expiry. It goes
 * at once when its user changes through the API here (`evictUsers`, called after commit by
 * logout, refresh reuse, lockout, disable/enable, role changes) and, through Redis, in the other
 * processes (app/caches.ts); while that Redis subscription is down `active()` is false and every
 * request reads MariaDB. A change nobody announces (an UPDATE typed by hand, a lost notice) shows
 * within `ttlMs`. A read that started before an eviction is not stored (generation check), so an
 * eviction cannot be undone by a request already in flight.
 */
export class ViewerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keysOfUser = new Map<number, Set<string>>();
  private gen = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly active: () => boolean = () => true,
    private readonly maxEntries = 10_000,
  ) {}

  /** Moves on every eviction; pass the value read before a lookup to `set`. */
  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, nowMs: number): Viewer | null {
    if (!this.active()) return null;
    const e = this.entries.get(key);
    if (!e) return null;
    // A clock that went back counts as expired too.
    if (nowMs >= e.until || nowMs < e.storedAt) {
      this.remove(key, e.viewer.userId);
      return null;
    }
    return e.viewer;
  }

  /** Keeps a viewer read from MariaDB at `nowMs`, unless something was evicted since `generation`. */
  set(key: string, viewer: Viewer, nowMs: number, notAfterMs: number | null, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.gen || !this.active()) return;
    const until = Math.min(nowMs + this.ttlMs, notAfterMs ?? Infinity);
    if (until <= nowMs) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old.viewer.userId);
    if (this.entries.size >= this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldestKey, oldest.viewer.userId);
    }
    this.entries.set(key, { viewer, storedAt: nowMs, until });
    let keys = this.keysOfUser.get(viewer.userId);
    if (!keys) {
      keys = new Set();
      this.keysOfUser.set(viewer.userId, keys);
    }
    keys.add(key);
  }

  /** Forgets every session of these users. */
  evictUsers(userIds: readonly number[]): void {
    this.gen += 1;
    for (const id of userIds) {
      for (const key of this.keysOfUser.get(id) ?? []) this.entries.delete(key);
      this.keysOfUser.delete(id);
    }
  }

  /** Forgets everything (the Redis subscription dropped or came back: notices may have been lost). */
  clear(): void {
    this.gen += 1;
    this.entries.clear();
    this.keysOfUser.clear();
  }

  private remove(key: string, userId: number): void {
    this.entries.delete(key);
    const keys = this.keysOfUser.get(userId);
    keys?.delete(key);
    if (keys?.size === 0) this.keysOfUser.delete(userId);
  }
}
