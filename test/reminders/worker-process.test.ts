/**
 * `npm run worker` as a process: workers/index.ts, compiled on the fly, against the shared Redis
 * and a database of this test's own.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUE_NAMES, bullConnection } from "../../src/queue/queues";
import { assertNoEviction, EvictionPolicyError, readEvictionPolicy } from "../../src/queue/redis-policy";
import { RECONCILE_REMINDERS } from "../../src/reminders/jobs/reconcile.job";
import { createTestDb, type TestDb } from "../helpers/db";
import { runWorkerEntry, startPrivateRedis } from "./processes";

describe("the worker process", () => {
  let db: TestDb;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    db = await createTestDb();
    redis = new Redis(db.config.redisUrl);
    queue = new Queue(QUEUE_NAMES.reminders, {
      connection: bullConnection(db.config.redisUrl, "worker"),
      prefix: db.config.redisPrefix,
    });
    await queue.waitUntilReady();
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    await db.drop();
  });

  const env = () => ({
    DATABASE_URL: db.config.databaseUrl,
    REDIS_URL: db.config.redisUrl,
    REDIS_PREFIX: db.config.redisPrefix,
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    REMINDER_CONCURRENCY: "2",
  });

  it("checks the shared test Redis's maxmemory-policy: allkeys-lru is refused, noeviction passes", async () => {
    // This Redis is shared with the other tests running now: change the policy only for the
    // moment of the check, and put it back whatever happens.
    const [, original] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
    expect(original).toBe("noeviction");
    let refused: unknown;
    try {
      await redis.config("SET", "maxmemory-policy", "allkeys-lru");
      refused = await assertNoEviction(db.config.redisUrl).catch((err: unknown) => err);
    } finally {
      await redis.config("SET", "maxmemory-policy", original);
    }
    expect(refused).toBeInstanceOf(EvictionPolicyError);
    expect((refused as Error).message).toMatch(
      /^Redis at 127\.0\.0\.1:6379 has maxmemory-policy "allkeys-lru"/,
    );
    expect(await readEvictionPolicy(db.config.redisUrl)).toBe("noeviction");
    await expect(assertNoEviction(db.config.redisUrl)).resolves.toBeUndefined();
  });

  it("refuses to start, with a clear message and exit code 1, under maxmemory-policy allkeys-lru", async () => {
    // The whole process run takes a moment: on a Redis of its own, so the shared one never changes for it.
    const own = await startPrivateRedis();
    const admin = new Redis(own.url);
    try {
      await admin.config("SET", "maxmemory-policy", "allkeys-lru");
      const worker = runWorkerEntry({ ...env(), REDIS_URL: own.url });
      const { code } = await worker.exited;
      expect(code).toBe(1);
      expect(worker.stderr()).toMatch(
        /^Worker not started: Redis at 127\.0\.0\.1:\d+ has maxmemory-policy "allkeys-lru": .*reminders would be lost\. Set it to noeviction/,
      );
      expect(worker.stdout()).not.toContain("worker ready");
      expect(await admin.keys("*")).toEqual([]); // nothing was queued or registered
    } finally {
      await admin.quit();
      await own.stop();
    }
  });

  it("starts, registers the reconciler's scheduler, and on SIGTERM finishes and exits 0", async () => {
    const worker = runWorkerEntry(env());
    try {
      await worker.waitForOutput("worker ready");
      expect(await queue.getJobScheduler(RECONCILE_REMINDERS)).toMatchObject({ every: 5 * 60 * 1000 });
      worker.child.kill("SIGTERM");
      const { code } = await worker.exited;
      expect(code).toBe(0);
      expect(worker.stdout()).toContain("worker stopped");
      expect(worker.stderr()).toBe("");
    } finally {
      if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    }
  });
});
