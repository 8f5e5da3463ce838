import type { Redis } from "ioredis";

/**
 * Fixed-window counter in Redis: INCR, and EXPIRE on the first hit of the window. Returns true
 * while the caller is within `limit` attempts. Keys carry the deployment's prefix.
 */
export async function withinLimit(
  redis: Redis,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<boolean> {
  const results = await redis.multi().incr(key).expire(key, windowSeconds, "NX").exec();
  const count = Number(results?.[0]?.[1] ?? 0);
  return count <= limit;
}

export function loginIpKey(prefix: string, ip: string): string {
  return `${prefix}:throttle:login:ip:${ip}`;
}
