/**
 * The worker process (workers/index.ts) with WORKER_METRICS_PORT: the container's health check
 * answers, and SIGTERM ends it cleanly.
 */
import { Queue } from "bullmq";
import { bullConnection, QUEUE_NAMES } from "../../src/queue/queues";
import { createTestDb, type TestDb } from "../helpers/db";
import { freePort, runWorkerEntry } from "../reminders/processes";

describe("the worker process's health listener and shutdown", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  }, 90_000);
  afterAll(async () => {
    if (!db) return;
    const queue = new Queue(QUEUE_NAMES.reminders, {
      connection: bullConnection(db.config.redisUrl, "worker"),
      prefix: db.config.redisPrefix,
    });
    await queue.obliterate({ force: true });
    await queue.close();
    await db.drop();
  });

  it("serves /health and /ready on WORKER_METRICS_PORT, /metrics only with the token, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const worker = runWorkerEntry({
      DATABASE_URL: db.config.databaseUrl,
      REDIS_URL: db.config.redisUrl,
      REDIS_PREFIX: db.config.redisPrefix,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      WORKER_METRICS_PORT: String(port),
      WORKER_METRICS_HOST: "127.0.0.1",
      METRICS_TOKEN: "worker-token-0123456789",
      METRICS_ALLOW: "",
    });
    try {
      await worker.waitForOutput("worker health and metrics listening", 60_000);
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok" });
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: { mariadb: "ok", redis: "ok", migrations: "ok" },
      });
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const metrics = await fetch(`${base}/metrics`, {
        headers: { authorization: "Bearer worker-token-0123456789" },
      });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('ntm_queue_jobs{queue="reminders",state="waiting"}');
      expect(text).toContain("ntm_process_resident_memory_bytes");
    } finally {
      worker.child.kill("SIGTERM");
    }
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.stdout()).toContain("worker stopped");
  }, 120_000);
});
