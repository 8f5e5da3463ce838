/**
 * A database of the benchmark's own (`ntm_bench_<random>`), migrated and seeded with the Bắc Kạn
 * 2022 plan, the working calendar and the demo users, optionally with generated tasks on top; and
 * a Redis key prefix of its own. `drop()` removes both. Nothing shared is touched.
 */
import { randomBytes } from "node:crypto";
import type { DataSource, Logger } from "typeorm";
import { type Config, loadConfig } from "../../src/config/env";
import { createDataSource, dropDatabase, ensureDatabase } from "../../src/db/data-source";
import { createRedis } from "../../src/queue/connection";
import { seedBacKan2022 } from "../../src/seed/bac-kan-2022";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, seedDemoUsers } from "../../src/seed/demo-users";

export interface BenchWorld {
  config: Config;
  ds: DataSource;
  /** Environment for a child API process on this database and prefix. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createBenchWorld(
  opts: { logger?: Logger; poolSize?: number; env?: Record<string, string | undefined>; tag?: string } = {},
): Promise<BenchWorld> {
  const name = `ntm_bench_${opts.tag ?? ""}${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const base = loadConfig({ ...(opts.env ?? process.env), NODE_ENV: "test" });
  const url = new URL(base.databaseUrl);
  url.pathname = `/${name}`;
  const env: Record<string, string> = {
    DATABASE_URL: url.toString(),
    REDIS_PREFIX: name,
    REDIS_URL: base.redisUrl,
    SEED_ON_START: "false",
    START_WORKERS: "false",
    NODE_ENV: "production",
    APP_SECRET: randomBytes(24).toString("hex"),
    LOG_LEVEL: "warn",
  };
  const config = loadConfig({ ...process.env, ...opts.env, ...env, NODE_ENV: "test" });
  await ensureDatabase(config.database);
  const ds = createDataSource(config.database, { logger: opts.logger, poolSize: opts.poolSize ?? 5 });
  await ds.initialize();
  await ds.runMigrations({ transaction: "each" });
  await seedBacKan2022(ds);
  await seedCalendar(ds);
  await seedDemoUsers(ds);
  return {
    config,
    ds,
    env,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      await dropDatabase(config.database);
      const redis = createRedis(config.redisUrl, { lazyConnect: true });
      try {
        await redis.connect();
        for (let cursor = "0"; ;) {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${config.redisPrefix}:*`, "COUNT", 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
          if (cursor === "0") break;
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}

/**
 * Adds `count` tasks to the seeded plan by copying its tasks (same plan, groups, lead and
 * cooperating organizations, units; new codes, due dates spread over the year). Plain SQL, so
 * 10,000 tasks take a few seconds.
 */
export async function addGeneratedTasks(ds: DataSource, count: number): Promise<number> {
  const total = async () =>
    Number(((await ds.query("SELECT COUNT(*) AS n FROM task")) as Array<{ n: string }>)[0].n);
  if (count <= 0) return total();
  // Generated codes are "G<batch>.<n>-<source id>"; only the seeded tasks are copied.
  const [{ n, batch }] = (await ds.query(
    "SELECT SUM(code NOT LIKE 'G%.%-%') AS n, COUNT(DISTINCT IF(code LIKE 'G%.%-%', SUBSTRING_INDEX(code, '.', 1), NULL)) AS batch FROM task",
  )) as Array<{ n: string; batch: string }>;
  const seeded = Number(n);
  if (seeded === 0) throw new Error("no seeded task to copy");
  const tag = `G${Number(batch) + 1}.`;
  const rounds = Math.ceil(count / seeded);
  const cols = (await ds.query(
    "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'task' ORDER BY ORDINAL_POSITION",
  )) as Array<{ c: string }>;
  const copy = cols
    .map((r) => r.c)
    .filter(
      (c) =>
        !["id", "code", "path", "due_date", "created_at", "updated_at", "parent_id", "depth"].includes(c),
    );
  const list = copy.map((c) => `\`${c}\``).join(", ");
  const sel = copy.map((c) => `t.\`${c}\``).join(", ");
  const [{ m }] = (await ds.query("SELECT MAX(id) AS m FROM task")) as Array<{ m: number }>;
  const before = Number(m);
  await ds.query(
    `INSERT INTO task (${list}, code, path, due_date, parent_id, depth)
     SELECT ${sel}, CONCAT(?, s.seq, '-', t.id), '/', DATE_ADD('2022-03-01', INTERVAL ((s.seq * 7 + t.id) % 300) DAY), NULL, 0
     FROM task t JOIN seq_1_to_${rounds} s WHERE t.code NOT LIKE 'G%.%-%' LIMIT ${count}`,
    [tag],
  );
  await ds.query("UPDATE task SET path = CONCAT('/', id, '/') WHERE id > ?", [before]);
  for (const table of [
    "task_cooperator (task_id, org_id) SELECT g.id, c.org_id",
    "task_unit (task_id, unit_id) SELECT g.id, c.unit_id",
  ]) {
    const source = table.startsWith("task_cooperator") ? "task_cooperator" : "task_unit";
    await ds.query(
      `INSERT INTO ${table} FROM task g JOIN ${source} c ON c.task_id = CAST(SUBSTRING_INDEX(g.code, '-', -1) AS UNSIGNED) WHERE g.id > ?`,
      [before],
    );
  }
  return total();
}

export const DEMO = { password: DEMO_PASSWORD, email: (who: string) => `${who}@${DEMO_EMAIL_DOMAIN}` };
