import type { Redis } from "ioredis";

/**
 * Fixed-window counter in Redis: INCR, and EXPIRE on the first hit of the window. Returns true
 * while the caller is within `limit` attempts. Keys carry the deployment's prefix.
 *
 * Fails open: when Redis does not answer (down, restarting), the attempt is allowed, so an outage
 * of Redis does not lock every user out. Password guessing stays bounded by the per-account lock
 * (failed_logins in MariaDB, login.command.ts), which does not depend on Redis. The connection
 * has no offline queue (queue/connection.ts), so a down Redis refuses at once instead of hanging.
 */
export async function withinLimit(
  redis: Redis,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<boolean> {
  let results;
  try {
    results = await redis.multi().incr(key).expire(key, windowSeconds, "NX").exec();
  } catch {
    return true;
  }
  const count = Number(results?.[0]?.[1] ?? 0);
  return count <= limit;
}

export function loginIpKey(prefix: string, ip: string): string {
  return `${prefix}:throttle:login:ip:${ip}`;
}
