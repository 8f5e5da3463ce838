/**
 * npm run bench:rollup — the progress roll-up at national scale: 63 provinces, 700 districts,
 * 10,600 communes, 70,000 villages and 1,000,000 tasks with one assignment each, generated into a
 * database of its own with MariaDB's sequence tables (seq_1_to_N) and dropped at the end; Redis
 * keys under a prefix of its own. Measures: the full rebuild; freshness (commit → the province row
 * rewritten) under a steady stream of changes; dashboard latency through the real HTTP API
 * (autocannon, 16 connections) for the national view and one province drilled down to its
 * communes; and the same figures recounted live with GROUP BY, for the ratio.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import type { DataSource } from "typeorm";
import { createServer } from "../../src/app/server";
import { issueTokens } from "../../src/auth/session";
import { User } from "../../src/auth/user.entity";
import { loadConfig } from "../../src/config/env";
import { createDataSource, dropDatabase, ensureDatabase } from "../../src/db/data-source";
import { createRedis } from "../../src/queue/connection";
import { createRollupQueue, createRollupScheduler } from "../../src/rollup/rollup-queue";
import { rebuildAllPlans } from "../../src/rollup/rollup.service";
import { startRollupService } from "../../src/rollup/rollup-worker";
import { systemClock } from "../../src/shared/clock";
import { toGlobalId } from "../../src/shared/ids";
import { createLogger } from "../../src/shared/logger";
import { machineLine, median, quantile, writeSection } from "./report";

const P = 63;
const D = 693; // 63 × 11: district i lies in province 1 + (i - 1) % 63
const C = 10_395; // 693 × 15: commune j lies in province 1 + (j - 1) % 63
const V = 70_000;
const T = 1_000_000;
const DIST0 = 1_000;
const COMM0 = 10_000;
const VILL0 = 100_000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

async function generate(ds: DataSource): Promise<void> {
  // One connection with key checks off: the generated rows are consistent by construction.
  const runner = ds.createQueryRunner();
  await runner.connect();
  await runner.query("SET SESSION foreign_key_checks = 0, unique_checks = 0");
  const q = (sql: string) => runner.query(sql);
  try {
    await generateWith(q);
  } finally {
    await runner.query("SET SESSION foreign_key_checks = 1, unique_checks = 1");
    await runner.release();
  }
}

async function generateWith(q: (sql: string) => Promise<unknown>): Promise<void> {
  const unit = (id: string, parent: string, depth: number, type: string, level: string, name: string) =>
    `SELECT ${id}, CONCAT('U', ${id}), ${name}, ${name}, ${name}, ${name}, '${level}', '${type}', ${parent}, ${depth}`;
  const cols = "(id, code, name, full_name, name_folded, name_lower, level, type, parent_id, depth, path)";
  await q(
    `INSERT INTO admin_unit ${cols} ${unit("seq", "NULL", 0, "tinh", "province", "CONCAT('Tỉnh ', seq)")}, CONCAT('/', seq, '/') FROM seq_1_to_${P}`,
  );
  await q(
    `INSERT INTO admin_unit ${cols} SELECT d.id, CONCAT('U', d.id), d.n, d.n, d.n, d.n, 'district', 'huyen', p.id, 1, CONCAT(p.path, d.id, '/')
     FROM (SELECT ${DIST0} + seq AS id, CONCAT('Huyện ', seq) AS n, 1 + (seq - 1) % ${P} AS parent FROM seq_1_to_${D}) d JOIN admin_unit p ON p.id = d.parent`,
  );
  await q(
    `INSERT INTO admin_unit ${cols} SELECT c.id, CONCAT('U', c.id), c.n, c.n, c.n, c.n, 'commune', IF(c.id % 10 = 0, 'phuong', 'xa'), p.id, 2, CONCAT(p.path, c.id, '/')
     FROM (SELECT ${COMM0} + seq AS id, CONCAT('Xã ', seq) AS n, ${DIST0} + 1 + (seq - 1) % ${D} AS parent FROM seq_1_to_${C}) c JOIN admin_unit p ON p.id = c.parent`,
  );
  await q(
    `INSERT INTO admin_unit ${cols} SELECT v.id, NULL, v.n, v.n, v.n, v.n, 'village', 'thon', p.id, 3, CONCAT(p.path, v.id, '/')
     FROM (SELECT ${VILL0} + seq AS id, CONCAT('Thôn ', seq) AS n, ${COMM0} + 1 + (seq - 1) % ${C} AS parent FROM seq_1_to_${V}) v JOIN admin_unit p ON p.id = v.parent`,
  );
  // One organization per province, district and commune, with the unit's id.
  await q(
    `INSERT INTO organization (id, code, name, name_folded, kind, unit_id) SELECT id, CONCAT('O', id), name, name, 'peoples_committee', id FROM admin_unit WHERE depth <= 2`,
  );
  for (const [id, kind, n] of [
    [1, "commune", 19],
    [2, "village", 16],
    [3, "district", 9],
  ] as const) {
    await q(
      `INSERT INTO criteria_set (id, code, kind, name, decision, period_start_year, criteria_count) VALUES (${id}, 'S${id}', '${kind}', '${kind}', 'QĐ', 2021, ${n})`,
    );
    await q(
      `INSERT INTO criterion (set_id, no, name) SELECT ${id}, seq, CONCAT('Tiêu chí ', seq) FROM seq_1_to_${n}`,
    );
  }
  await q(
    `INSERT INTO plan (id, number, title, issuer, issued_on, year, program, period_start_year, period_end_year, scope_unit_id)
     SELECT seq, CONCAT(seq, '/KH-UBND'), CONCAT('Kế hoạch ', seq), 'UBND tỉnh', '2022-02-25', 2022, 'NTM', 2021, 2025, seq FROM seq_1_to_${P}`,
  );
  // Recognitions: a third of the communes NTM (a tenth of those advanced), a fifth of the villages.
  await q(
    `INSERT INTO recognition (unit_id, level, standard_year) SELECT id, 'ntm', IF(id % 7 = 0, 2022, 2020) FROM admin_unit WHERE depth = 2 AND id % 3 = 0 AND type = 'xa'`,
  );
  await q(
    `INSERT INTO recognition (unit_id, level, standard_year) SELECT id, 'advanced_ntm', 2021 FROM admin_unit WHERE depth = 2 AND id % 30 = 0`,
  );
  await q(
    `INSERT INTO recognition (unit_id, level, standard_year) SELECT id, 'village_ntm', 2022 FROM admin_unit WHERE depth = 3 AND id % 5 = 0`,
  );
  // Assessments of every commune, both years (19 criteria each).
  await q(
    `INSERT INTO assessment (unit_id, criterion_id, year, met) SELECT u.id, c.id, y.seq + 2020, (u.id + c.no + y.seq) % 3 <> 0
     FROM admin_unit u JOIN criterion c ON c.set_id = 1 JOIN seq_1_to_2 y WHERE u.depth = 2`,
  );
  // 1,000,000 tasks, one assignment each, to the communes' and districts' committees.
  await q(
    `INSERT INTO task (id, plan_id, path, depth, code, title, status, due_date)
     SELECT s.seq, (s.seq - 1) % ${P} + 1, CONCAT('/', s.seq, '/'), 0, CONCAT('T', s.seq), 'Nhiệm vụ', 'assigned', DATE_ADD('2022-03-01', INTERVAL s.seq % 400 DAY)
     FROM seq_1_to_${T} s`,
  );
  // The task's plan is province p = (seq-1) % 63 + 1; its org a district or commune of p.
  await q(
    `INSERT INTO assignment (task_id, plan_id, org_id, assigner_org_id, role, status, due_date, completed_on)
     SELECT t.id, t.plan_id,
       IF(t.id % 10 = 0, ${DIST0} + ((t.id - 1) % ${P}) + 1 + ${P} * ((t.id DIV ${P}) % ${Math.floor(D / P)}),
                          ${COMM0} + ((t.id - 1) % ${P}) + 1 + ${P} * ((t.id DIV ${P}) % ${Math.floor(C / P)})),
       t.plan_id, 'lead', ELT(1 + t.id % 4, 'assigned', 'in_progress', 'approved', 'reported'), t.due_date,
       IF(t.id % 4 = 2, DATE_ADD(t.due_date, INTERVAL CAST(t.id % 5 AS SIGNED) - 2 DAY), NULL)
     FROM task t`,
  );
  await q(
    `INSERT INTO app_user (id, email, display_name, org_id, password_hash) VALUES (1, 'bench@ntm.vn', 'Bench', 1, NULL)`,
  );
  await q(`INSERT INTO user_role (user_id, role) VALUES (1, 'system_admin')`);
  await q("ANALYZE TABLE admin_unit, assessment, recognition, task, assignment, organization");
}

function ms(n: number): string {
  return `${n.toFixed(n < 10 ? 1 : 0)} ms`;
}

async function main(): Promise<void> {
  const base = loadConfig(process.env);
  const name = `ntm_bench_rollup_${randomBytes(3).toString("hex")}`;
  const url = new URL(base.databaseUrl);
  url.pathname = `/${name}`;
  const config = {
    ...loadConfig({ ...process.env, DATABASE_URL: url.toString(), REDIS_PREFIX: name, LOG_LEVEL: "silent" }),
    nodeEnv: "production" as const,
  };
  await ensureDatabase(config.database);
  const ds = createDataSource(config.database, { poolSize: 24 });
  await ds.initialize();
  const redis = createRedis(config.redisUrl);
  const lines: string[] = [];
  const log = (s: string) => {
    process.stdout.write(`${s}\n`);
    lines.push(s);
  };
  try {
    await ds.runMigrations({ transaction: "each" });
    process.stdout.write(`generating into ${name}…\n`);
    const [, genMs] = await timed(() => generate(ds));
    log(
      `generated ${P} provinces, ${D} districts, ${C} communes, ${V} villages, ${T} tasks/assignments in ${(genMs / 1000).toFixed(1)} s`,
    );
    const deps = { ds, clock: systemClock, timeZone: config.timeZone };

    // 1. Full rebuild (every plan, every table).
    const [, rebuildMs] = await timed(() => rebuildAllPlans(deps));
    log(`full rebuild: ${ms(rebuildMs)}`);
    // BENCH_ROLLUP_ONLY=rebuild: generation and the full rebuild only (no section written).
    if (process.env.BENCH_ROLLUP_ONLY === "rebuild") return;

    // 2. Freshness under a steady stream of changes (about 20 a second, across provinces).
    const worker = await startRollupService(deps, { config, schedule: false, concurrency: 4 });
    const producer = createRollupQueue(config, "producer");
    const scheduler = createRollupScheduler(producer);
    const fresh: number[] = [];
    const communes = (await ds.query(
      `SELECT u.id, SUBSTRING_INDEX(SUBSTRING(u.path, 2), '/', 1) AS province FROM admin_unit u WHERE u.depth = 2 AND u.type = 'xa' ORDER BY u.id LIMIT 2000`,
    )) as Array<{ id: number; province: string }>;
    const streamEnd = Date.now() + 20_000;
    const inflight: Promise<void>[] = [];
    for (let i = 0; Date.now() < streamEnd; i++) {
      const c = communes[(i * 37) % communes.length];
      inflight.push(
        (async () => {
          const [{ t }] = (await ds.transaction(async (m) => {
            await m.query(
              "INSERT INTO assessment (unit_id, criterion_id, year, met) VALUES (?, 1, 2022, ?) ON DUPLICATE KEY UPDATE met = NOT met",
              [c.id, i % 2],
            );
            return m.query("SELECT NOW(3) AS t");
          })) as Array<{ t: Date }>;
          const committed = Date.now();
          await scheduler.unitsChanged([Number(c.id)], "bench");
          for (let k = 0; k < 1000; k++) {
            const [row] = (await ds.query(
              "SELECT computed_at FROM progress_unit WHERE plan_id = ? AND unit_id = ?",
              [Number(c.province), Number(c.province)],
            )) as Array<{ computed_at: Date }>;
            if (row && row.computed_at.getTime() >= t.getTime()) {
              fresh.push(Date.now() - committed);
              return;
            }
            await new Promise((r) => setTimeout(r, 10));
          }
        })(),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(inflight);
    await worker.close();
    await producer.obliterate({ force: true });
    await producer.close();
    log(
      `freshness over ${fresh.length} changes: p50 ${ms(quantile(fresh, 0.5))}, p99 ${ms(quantile(fresh, 0.99))}`,
    );

    // 3. Dashboard latency through the HTTP API.
    const server = await createServer({
      config,
      ds,
      redis,
      logger: createLogger("silent"),
      clock: systemClock,
    });
    const port = await server.listen(0, "127.0.0.1");
    const user = await ds.getRepository(User).findOneByOrFail({ id: 1 });
    const token = (await issueTokens(ds.manager, config, user, new Date())).tokens.accessToken;
    const FIGS =
      "communesNtm communesAdvancedNtm xaCount avgCriteriaPerXa communesGainedCriterion villagesNtm tasks { assignmentsTotal percentDone onTimeRate overdue }";
    const national = `{ nationalProgress(year: 2022, first: 100) { nodes { unit { id name } ${FIGS} } } }`;
    const province = `{ unitProgress(planId: "${toGlobalId("Plan", 1)}", unitId: "${toGlobalId("Unit", 1)}") { ${FIGS} children { ${FIGS} children { criteriaMet levelReached ${FIGS} } } } }`;
    const probe = async (query: string) => {
      const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await r.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    await probe(national);
    await probe(province);
    const cannon = (query: string) =>
      autocannon({
        url: `http://127.0.0.1:${port}/graphql`,
        connections: 16,
        duration: 10,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
    const nat = await cannon(national);
    const prov = await cannon(province);
    await server.stop();
    log(
      `dashboard, national (63 provinces): p50 ${ms(nat.latency.p50)}, p99 ${ms(nat.latency.p99)}, ${Math.round(nat.requests.average)} req/s, ${nat.non2xx} non-2xx`,
    );
    log(
      `dashboard, one province down to its communes: p50 ${ms(prov.latency.p50)}, p99 ${ms(prov.latency.p99)}, ${Math.round(prov.requests.average)} req/s, ${prov.non2xx} non-2xx`,
    );

    // 4. The same figures recounted live with GROUP BY.
    const liveCommunes = (scope: string) => `
      SELECT SUBSTRING_INDEX(SUBSTRING(u.path, 2), '/', ${scope === "" ? 1 : 3}) AS k,
        SUM(u.type = 'xa') xa, SUM(IF(u.type = 'xa', COALESCE(a.met, 0), 0)) xa_sum, SUM(r.unit_id IS NOT NULL) ntm
      FROM admin_unit u
      LEFT JOIN (SELECT unit_id, SUM(met) met FROM assessment WHERE year = 2022 GROUP BY unit_id) a ON a.unit_id = u.id
      LEFT JOIN (SELECT DISTINCT unit_id FROM recognition WHERE level IN ('ntm', 'advanced_ntm') AND standard_year <= 2022) r ON r.unit_id = u.id
      WHERE u.depth = 2 ${scope} GROUP BY k`;
    const liveTasks = (scope: string) => `
      SELECT SUBSTRING_INDEX(SUBSTRING(u.path, 2), '/', ${scope === "" ? 1 : 3}) AS k, COUNT(*) n,
        SUM(a.status = 'approved') done, SUM(a.status <> 'approved' AND a.due_date < CURDATE()) overdue
      FROM assignment a JOIN organization o ON o.id = a.org_id JOIN admin_unit u ON u.id = o.unit_id
      WHERE a.status <> 'cancelled' ${scope} GROUP BY k`;
    const recount = async (scope: string, runs: number) => {
      const xs: number[] = [];
      for (let i = 0; i < runs; i++) {
        xs.push(
          (
            await timed(async () => {
              await ds.query(liveCommunes(scope));
              await ds.query(liveTasks(scope));
            })
          )[1],
        );
      }
      return xs;
    };
    const liveNat = await recount("", 3);
    const liveProv = await recount("AND u.path LIKE '/1/%'", 10);
    log(`live recount, national: p50 ${ms(median(liveNat))}; one province: p50 ${ms(median(liveProv))}`);
    const ratioNat = median(liveNat) / nat.latency.p50;
    const ratioProv = median(liveProv) / prov.latency.p50;

    const goal = (ok: boolean) => (ok ? "met" : "**not met**");
    writeSection({
      name: "rollup",
      markdown: [
        "## Progress roll-up (`npm run bench:rollup`)",
        "",
        machineLine(),
        "",
        `Synthetic national data generated on demand into its own database with MariaDB sequence tables: ${P} provinces (one 2022 plan each), ${D} districts, ${C} communes, ${V} villages, ${T.toLocaleString("en")} tasks with one assignment each, ${C * 19 * 2} assessments; generated in ${(genMs / 1000).toFixed(1)} s.`,
        "",
        "| measure | result | goal | |",
        "|---|---|---|---|",
        `| full rebuild of every plan (all levels, all tables) | ${ms(rebuildMs)} | ≤ 3 s | ${goal(rebuildMs <= 3000)} |`,
        `| freshness, commit → province row rewritten, ~20 changes/s (${fresh.length} changes) | p50 ${ms(quantile(fresh, 0.5))}, p99 ${ms(quantile(fresh, 0.99))} | p99 ≤ 2 s | ${goal(quantile(fresh, 0.99) <= 2000)} |`,
        `| dashboard, national view (63 provinces), HTTP, 16 connections | p50 ${ms(nat.latency.p50)}, p99 ${ms(nat.latency.p99)} | p99 ≤ 40 ms | ${goal(nat.latency.p99 <= 40)} |`,
        `| dashboard, one province with districts and communes | p50 ${ms(prov.latency.p50)}, p99 ${ms(prov.latency.p99)} | p99 ≤ 15 ms | ${goal(prov.latency.p99 <= 15)} |`,
        `| live GROUP BY recount (SQL only), national / one province | ${ms(median(liveNat))} / ${ms(median(liveProv))} | | |`,
        `| ratio live recount / dashboard read (p50) | ${ratioNat.toFixed(0)}x national, ${ratioProv.toFixed(1)}x province | ≥ 20x | ${goal(ratioNat >= 20 && ratioProv >= 20)} |`,
        "",
        "The machine was shared with other jobs during this run; the figures vary with its load. The live recount is timed on the SQL alone (no HTTP), so the ratio favours it.",
        "",
      ].join("\n"),
    });
  } finally {
    // The queues' keys live under this run's own prefix: remove them all.
    for (let cursor = "0"; ;) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${name}:*`, "COUNT", 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
    await redis.quit().catch(() => undefined);
    await ds.destroy();
    // BENCH_ROLLUP_KEEP=1 leaves the generated database for EXPLAIN (drop it yourself).
    if (process.env.BENCH_ROLLUP_KEEP === "1") process.stdout.write(`kept database ${name}\n`);
    else await dropDatabase(config.database);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
