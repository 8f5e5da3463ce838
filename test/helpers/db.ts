import { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import type { DataSource, Logger } from "typeorm";
import { loadConfig, type Config } from "../../src/config/env";
import { createDataSource, dropDatabase, ensureDatabase } from "../../src/db/data-source";

/** Counts SQL statements; tests read `count` around a request. */
export class CountingLogger implements Logger {
  count = 0;
  statements: string[] = [];
  logQuery(query: string): void {
    this.count += 1;
    this.statements.push(query);
  }
  reset(): void {
    this.count = 0;
    this.statements = [];
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface TestDb {
  ds: DataSource;
  config: Config;
  sql: CountingLogger;
  /** Destroys the connection and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; dropped afterwards. */
export async function createTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `ntm_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const base = loadConfig(process.env);
  const url = new URL(base.databaseUrl);
  url.pathname = `/${name}`;
  const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), REDIS_PREFIX: name });
  await ensureDatabase(config.database);
  const sql = new CountingLogger();
  const ds = createDataSource(config.database, { logger: sql, poolSize: 5 });
  await ds.initialize();
  if (opts.migrate !== false) await ds.runMigrations({ transaction: "each" });
  sql.reset();
  return {
    ds,
    config,
    sql,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      await dropDatabase(config.database);
      await deleteRedisKeys(config.redisUrl, config.redisPrefix);
    },
  };
}

/**
 * Deletes every Redis key under a test's prefix (its database name): the queues and schedulers a
 * worker registered, throttling counters, whatever a child process left. Runs when the test's
 * database is dropped, so no test leaves keys behind in the shared Redis.
 */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", () => {});
  try {
    await redis.connect();
    for (let cursor = "0"; ;) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
  } finally {
    redis.disconnect();
  }
}
