import net from "node:net";
import { Redis } from "ioredis";
import {
  checkReadiness,
  databaseCheck,
  migrationsCheck,
  redisClientCheck,
  type ReadinessCheck,
} from "../../src/app/ready";
import { createDataSource } from "../../src/db/data-source";
import { startTestApp, type TestApp } from "../helpers/server";

describe("/health and /ready", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  }, 90_000);
  afterAll(async () => {
    await app.close();
  });

  it("/health says the process is up", async () => {
    const res = await fetch(`${app.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("/ready is 200 when MariaDB and Redis answer and every migration is applied", async () => {
    const res = await fetch(`${app.url}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ready",
      checks: { mariadb: "ok", redis: "ok", migrations: "ok" },
    });
  });

  it("/ready is 503 naming the migration the database lacks", async () => {
    const [last] = await app.db.ds.query("SELECT * FROM typeorm_migrations ORDER BY id DESC LIMIT 1");
    await app.db.ds.query("DELETE FROM typeorm_migrations WHERE id = ?", [last.id]);
    try {
      const res = await fetch(`${app.url}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: "unavailable",
        checks: { mariadb: "ok", redis: "ok", migrations: `1 pending: ${last.name}` },
      });
    } finally {
      await app.db.ds.query("INSERT INTO typeorm_migrations (id, timestamp, name) VALUES (?, ?, ?)", [
        last.id,
        last.timestamp,
        last.name,
      ]);
    }
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);
  });
});

describe("readiness checks when a service is down", () => {
  it("names Redis when nothing listens on its port, and MariaDB when its pool is closed", async () => {
    const redis = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on("error", () => {});
    const ds = createDataSource({
      host: "127.0.0.1",
      port: 1,
      user: "root",
      password: "",
      name: "nothing",
      replicas: [],
    });
    const report = await checkReadiness([databaseCheck(ds), redisClientCheck(redis), migrationsCheck(ds)]);
    expect(report).toEqual({
      ready: false,
      checks: { mariadb: "error", redis: "error", migrations: "error" },
    });
    redis.disconnect();
  });

  it("does not hang on a Redis that accepts connections and never answers", async () => {
    const silent = new Set<net.Socket>();
    const blackHole = net.createServer((s) => silent.add(s));
    await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
    const port = (blackHole.address() as net.AddressInfo).port;
    // The worker's kind of connection: it queues commands while offline and retries forever.
    const redis = new Redis(`redis://127.0.0.1:${port}`, {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    });
    redis.on("error", () => {});
    const never: ReadinessCheck = { name: "never", run: () => new Promise<string>(() => {}) };
    const report = await checkReadiness([redisClientCheck(redis), never], { timeoutMs: 300 });
    expect(report).toEqual({ ready: false, checks: { redis: "timeout", never: "timeout" } });
    redis.disconnect();
    for (const s of silent) s.destroy();
    await new Promise((r) => blackHole.close(r));
  });
});
