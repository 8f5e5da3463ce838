import { withShortLivedRedis } from "./connection";

/** Redis would drop keys under memory pressure: queued jobs (reminders) could vanish. */
export class EvictionPolicyError extends Error {
  constructor(
    public readonly where: string,
    public readonly policy: string,
  ) {
    super(
      `Redis at ${where} has maxmemory-policy "${policy}": under memory pressure it would evict queued jobs, ` +
        `and reminders would be lost. Set it to noeviction (redis-server --maxmemory-policy noeviction, ` +
        `or CONFIG SET maxmemory-policy noeviction and save it in redis.conf), then start the worker again.`,
    );
    this.name = "EvictionPolicyError";
  }
}

/** Redis's maxmemory-policy, read with INFO (allowed where CONFIG is disabled, as on managed Redis). */
export async function readEvictionPolicy(redisUrl: string): Promise<string> {
  return withShortLivedRedis(redisUrl, async (redis) => {
    const m = /^maxmemory_policy:(\S+)/m.exec(await redis.info("memory"));
    if (!m) throw new Error("INFO memory does not report maxmemory_policy");
    return m[1];
  });
}

/** Throws EvictionPolicyError unless Redis keeps every key (maxmemory-policy noeviction). */
export async function assertNoEviction(redisUrl: string): Promise<void> {
  const policy = await readEvictionPolicy(redisUrl);
  if (policy !== "noeviction") {
    const u = new URL(redisUrl);
    throw new EvictionPolicyError(`${u.hostname}:${u.port || 6379}`, policy);
  }
}
