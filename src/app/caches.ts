/**
 * What one API process keeps in memory, and how the processes tell each other to drop it.
 *
 * - Viewers of recently checked sessions (auth/viewer-cache.ts), for AUTH_CACHE_SECONDS at most.
 * - The administrative units (units/unit.directory.ts), re-checked every UNIT_CACHE_SECONDS.
 *
 * A command that changes what they hold calls `ctx.caches.usersChanged(ids)` or `unitsChanged()`
 * after commit: this process drops its copies at once, then PUBLISHes on
 * `<REDIS_PREFIX>:caches`, which every API process SUBSCRIBEs to (one connection each) and obeys
 * on receipt. Pub/sub keeps nothing, so a process whose subscription is down may have missed
 * notices: it stops serving cached viewers until it has subscribed again, and drops everything
 * then. What no one announces (an UPDATE typed by hand) still shows within the two periods.
 */
import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { ViewerCache } from "../auth/viewer-cache";
import type { Config } from "../config/env";
import type { CacheInvalidation } from "../shared/context";
import type { Logger } from "../shared/logger";
import { unitsChanged } from "../units/unit.directory";

/** A notice on the channel. */
export type CacheNotice = { users: number[] } | { units: true };

export function cachesChannel(prefix: string): string {
  return `${prefix}:caches`;
}

/** Parses a notice; null when it is not one (it is then ignored). */
export function parseCacheNotice(message: string): CacheNotice | null {
  try {
    const n = JSON.parse(message) as Record<string, unknown>;
    if (n.units === true) return { units: true };
    if (Array.isArray(n.users) && n.users.every((id) => Number.isSafeInteger(id) && (id as number) > 0))
      return { users: n.users as number[] };
    return null;
  } catch {
    return null;
  }
}

export interface ServerCaches extends CacheInvalidation {
  /** Null when AUTH_CACHE_SECONDS is 0. */
  viewers: ViewerCache | null;
  /** True while this process is subscribed to the channel (cached viewers are served only then). */
  listening(): boolean;
  /** Resolves true once subscribed, false after `timeoutMs` (the caches then wait for Redis). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createServerCaches(deps: {
  config: Config;
  ds: DataSource;
  /** The server's shared connection, for PUBLISH. */
  redis: Redis;
  logger?: Logger;
}): ServerCaches {
  const { config, ds, redis, logger } = deps;
  const channel = cachesChannel(config.redisPrefix);
  let listening = false;
  let closed = false;
  const viewers =
    config.caches.authSeconds > 0 ? new ViewerCache(config.caches.authSeconds * 1000, () => listening) : null;
  const waiting = new Set<(subscribed: boolean) => void>();

  /** Notices may have been lost: forget everything. */
  const reset = () => {
    viewers?.clear();
    unitsChanged(ds);
  };
  const apply = (notice: CacheNotice) => {
    if ("units" in notice) unitsChanged(ds);
    else viewers?.evictUsers(notice.users);
  };

  const sub = new Redis(config.redisUrl, {
    connectTimeout: 5000,
    autoResubscribe: false,
    maxRetriesPerRequest: null,
  });
  sub.on("error", (err) => logger?.warn({ err }, "caches: Redis subscriber error"));
  sub.on("ready", () => {
    sub.subscribe(channel).then(
      () => {
        if (closed) return;
        reset();
        listening = true;
        for (const resolve of waiting) resolve(true);
        waiting.clear();
      },
      (err: unknown) =>
        logger?.warn({ err }, "caches: could not subscribe; caches stay off until Redis answers"),
    );
  });
  sub.on("close", () => {
    if (!listening) return;
    listening = false;
    reset();
    if (!closed) logger?.warn("caches: Redis subscription lost; reading MariaDB until it is back");
  });
  sub.on("message", (ch: string, message: string) => {
    if (ch !== channel) return;
    const notice = parseCacheNotice(message);
    if (notice) apply(notice);
  });

  const publish = async (notice: CacheNotice) => {
    apply(notice);
    await redis.publish(channel, JSON.stringify(notice)).catch((err: unknown) => {
      logger?.warn(
        { err },
        "caches: could not tell the other processes; they catch up within the cache periods",
      );
    });
  };

  return {
    viewers,
    listening: () => listening,
    ready(timeoutMs) {
      if (listening) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(done);
          resolve(false);
        }, timeoutMs);
        const done = (subscribed: boolean) => {
          clearTimeout(timer);
          resolve(subscribed);
        };
        waiting.add(done);
      });
    },
    usersChanged: (userIds) => (userIds.length > 0 ? publish({ users: [...userIds] }) : Promise.resolve()),
    unitsChanged: () => publish({ units: true }),
    async close() {
      closed = true;
      listening = false;
      for (const resolve of waiting) resolve(false);
      waiting.clear();
      viewers?.clear();
      // QUIT only reaches a connected server; otherwise stop reconnecting at once.
      if (sub.status === "ready") await sub.quit().catch(() => sub.disconnect());
      else sub.disconnect();
    },
  };
}
