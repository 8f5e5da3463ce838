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
 * Adds `count` tasks to the seeded plan the way a plan grows when it is delegated down the tree:
 * a fifth are copies of the plan's own tasks (same plan, groups, lead and cooperating
 * organizations, units; due dates spread over 2022), a fifth are sub-tasks those copies hand to a
 * district's People's Committee (the district as their unit), and the rest sub-tasks a district's
 * task hands to one of its communes (the commune as their unit); a third of the sub-tasks are done.
 * So every kind of viewer sees something: a commune its own sub-tasks, a district its share of the
 * plan and its communes' work, a department the tasks it cooperates on with everything delegated
 * from them. Plain SQL, so 10,000 tasks take a few seconds.
 */
export async function addGeneratedTasks(ds: DataSource, count: number): Promise<number> {
  const total = async () =>
    Number(((await ds.query("SELECT COUNT(*) AS n FROM task")) as Array<{ n: string }>)[0].n);
  if (count <= 0) return total();
  // Generated codes are "G<batch>.<kind><n>-<source id>"; only the seeded tasks are copied.
  const [{ n, batch }] = (await ds.query(
    "SELECT SUM(code NOT LIKE 'G%.%-%') AS n, COUNT(DISTINCT IF(code LIKE 'G%.%-%', SUBSTRING_INDEX(code, '.', 1), NULL)) AS batch FROM task",
  )) as Array<{ n: string; batch: string }>;
  const seeded = Number(n);
  if (seeded === 0) throw new Error("no seeded task to copy");
  const tag = `G${Number(batch) + 1}.`;
  const roots = Math.max(1, Math.ceil(count / 5));
  const districtTasks = Math.min(Math.floor(count / 5), count - roots);
  const communeTasks = count - roots - districtTasks;
  const cols = (await ds.query(
    "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'task' AND GENERATION_EXPRESSION IS NULL ORDER BY ORDINAL_POSITION",
  )) as Array<{ c: string }>;
  const copy = cols
    .map((r) => r.c)
    .filter(
      (c) =>
        !["id", "code", "path", "due_date", "created_at", "updated_at", "parent_id", "depth"].includes(c),
    );
  const list = copy.map((c) => `\`${c}\``).join(", ");
  const sel = copy.map((c) => `t.\`${c}\``).join(", ");
  const maxId = async () =>
    Number(((await ds.query("SELECT MAX(id) AS m FROM task")) as Array<{ m: number }>)[0].m);

  // The plan's own tasks, copied.
  const beforeRoots = await maxId();
  await ds.query(
    `INSERT INTO task (${list}, code, path, due_date, parent_id, depth)
     SELECT ${sel}, CONCAT(?, 'R', s.seq, '-', t.id), '/', DATE_ADD('2022-03-01', INTERVAL ((s.seq * 7 + t.id) % 300) DAY), NULL, 0
     FROM task t JOIN seq_1_to_${Math.ceil(roots / seeded)} s WHERE t.code NOT LIKE 'G%.%-%' LIMIT ${roots}`,
    [tag],
  );
  await ds.query("UPDATE task SET path = CONCAT('/', id, '/') WHERE id > ?", [beforeRoots]);
  for (const [table, cols] of [
    ["task_cooperator", "org_id"],
    ["task_unit", "unit_id"],
  ]) {
    await ds.query(
      `INSERT INTO ${table} (task_id, ${cols}) SELECT g.id, c.${cols} FROM task g
       JOIN ${table} c ON c.task_id = CAST(SUBSTRING_INDEX(g.code, '-', -1) AS UNSIGNED) WHERE g.id > ?`,
      [beforeRoots],
    );
  }

  // Delegated sub-tasks: numbered parents and numbered People's Committees to pick them by arithmetic.
  const delegate = async (
    kind: string,
    howMany: number,
    parents: string,
    committees: string,
    pick: string,
  ): Promise<void> => {
    if (howMany <= 0) return;
    await ds.query("DROP TEMPORARY TABLE IF EXISTS gen_parent, gen_committee");
    await ds.query(`CREATE TEMPORARY TABLE gen_parent (PRIMARY KEY (grp, rn)) AS ${parents}`);
    await ds.query(`CREATE TEMPORARY TABLE gen_committee (PRIMARY KEY (rn)) AS ${committees}`);
    const before = await maxId();
    await ds.query(
      `INSERT INTO task (plan_id, group_id, parent_id, path, depth, code, title, lead_org_id, target_id,
                         due_date, status, progress, sources, confidence)
       SELECT p.plan_id, p.group_id, p.id, '/', p.depth + 1, CONCAT(?, s.seq, '-', p.id),
              LEFT(CONCAT(p.title, ' — ', c.name), 500), c.org_id, p.target_id,
              DATE_SUB(p.due_date, INTERVAL (s.seq % 20) DAY),
              IF(s.seq % 3 = 0, 'done', 'assigned'), IF(s.seq % 3 = 0, 100, 0), p.sources, 'confirmed'
       FROM seq_1_to_${howMany} s
       JOIN gen_committee c ON c.rn = s.seq % (SELECT COUNT(*) FROM gen_committee) + 1
       ${pick}`,
      [`${tag}${kind}`],
    );
    await ds.query(
      "UPDATE task t JOIN task p ON p.id = t.parent_id SET t.path = CONCAT(p.path, t.id, '/') WHERE t.id > ?",
      [before],
    );
    await ds.query(
      "INSERT INTO task_unit (task_id, unit_id) SELECT t.id, o.unit_id FROM task t JOIN organization o ON o.id = t.lead_org_id WHERE t.id > ?",
      [before],
    );
    await ds.query("DROP TEMPORARY TABLE gen_parent, gen_committee");
  };
  const committeesAt = (level: string) =>
    `SELECT ROW_NUMBER() OVER (ORDER BY u.id) AS rn, o.id AS org_id, u.id AS unit_id, u.parent_id AS up_id, u.name
     FROM organization o JOIN admin_unit u ON u.id = o.unit_id
     WHERE o.kind = 'peoples_committee' AND u.level = '${level}'`;
  const beforeDistrict = await maxId();
  // Each district gets sub-tasks of the copies in turn.
  await delegate(
    "D",
    districtTasks,
    `SELECT 0 AS grp, ROW_NUMBER() OVER (ORDER BY id) AS rn, id, plan_id, group_id, title, due_date, depth, target_id, sources
     FROM task WHERE id > ${beforeRoots} AND id <= ${beforeDistrict}`,
    committeesAt("district"),
    `JOIN gen_parent p ON p.grp = 0 AND p.rn = (s.seq DIV (SELECT COUNT(*) FROM gen_committee)) % ${roots} + 1`,
  );
  // Each commune gets sub-tasks of its own district's tasks in turn.
  const beforeCommune = await maxId();
  await delegate(
    "C",
    communeTasks,
    `SELECT o.unit_id AS grp, ROW_NUMBER() OVER (PARTITION BY o.unit_id ORDER BY t.id) AS rn,
            COUNT(*) OVER (PARTITION BY o.unit_id) AS cnt,
            t.id, t.plan_id, t.group_id, t.title, t.due_date, t.depth, t.target_id, t.sources
     FROM task t JOIN organization o ON o.id = t.lead_org_id WHERE t.id > ${beforeDistrict} AND t.id <= ${beforeCommune}`,
    committeesAt("commune"),
    `JOIN gen_parent p ON p.grp = c.up_id
       AND p.rn = (s.seq DIV (SELECT COUNT(*) FROM gen_committee)) % p.cnt + 1`,
  );
  return total();
}

export const DEMO = { password: DEMO_PASSWORD, email: (who: string) => `${who}@${DEMO_EMAIL_DOMAIN}` };
