/**
 * npm run bench:reminders: how fast reminders go through BullMQ and MariaDB here, side by side in
 * one run, on a Redis server of its own (started here, nothing kept on disk) and a database of
 * its own (created, migrated, dropped):
 *  - three workers at the same concurrency draining the same kind of jobs (the real job ids and
 *    options): a no-op; a baseline doing one INSERT IGNORE into a unique-keyed table per job (the
 *    least an exactly-once delivery needs); the real pipeline (src/reminders/reminder-worker.ts
 *    processReminderJob: re-read, render, record the delivery, the in-app notification);
 *  - addBulk of 100,000 reminder jobs the way the reconciler adds them (enqueueOn, 1,000 a call);
 *  - Redis commands per job (MONITOR: sent by the client vs run inside BullMQ's Lua scripts) and
 *    Redis memory per queued reminder (INFO memory delta / jobs).
 * Writes its section of BENCHMARKS.md (scripts/bench/report.ts).
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import os from "node:os";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { DataSource, Logger as TypeOrmLogger } from "typeorm";
import { User, UserRole } from "../../src/auth/user.entity";
import { loadConfig } from "../../src/config/env";
import { createDataSource, dropDatabase, ensureDatabase } from "../../src/db/data-source";
import { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { Plan } from "../../src/plans/plan.entity";
import { bullConnection } from "../../src/queue/queues";
import { sendReminderJob, type SendReminderPayload } from "../../src/reminders/jobs/send-reminder.job";
import type { ReminderDeps } from "../../src/reminders/reminder-deps";
import { enqueueOn, type ReminderQueue } from "../../src/reminders/reminder-queue";
import { processReminderJob } from "../../src/reminders/reminder-worker";
import { seedCalendar } from "../../src/seed/calendar-vn";
import { FixedClock } from "../../src/shared/clock";
import { Confidence } from "../../src/shared/provenance";
import { Role } from "../../src/shared/roles";
import { foldDiacritics, lowerName, normalizeName } from "../../src/shared/text";
import { Task } from "../../src/tasks/task.entity";
import { TaskStatus } from "../../src/tasks/task.enums";
import { Unit } from "../../src/units/unit.entity";
import { LEVEL_OF_TYPE, UnitType } from "../../src/units/unit.enums";
import { Assignment, AssignmentRole } from "../../src/workflow/assignment.entity";
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import { machineLine, median, writeSection } from "./report";

const CONCURRENCY = 5; // REMINDER_CONCURRENCY's default
const RUNS = 3;
const JOBS = { noop: 6_000, baseline: 1_500, real: 600 };
const BULK = 100_000;
const MONITORED = 200;
/** due_today of a task due Tuesday 31/01/2023 fires at 08:00 local, 01:00 UTC: the clock of the run. */
const DUE = "2023-01-31";
const NOW = "2023-01-31T01:00:00.000Z";

type Pipeline = "noop" | "baseline" | "real";

/** Counts the SQL statements sent while `on` (the profile of a pipeline's job). */
class StatementCounter implements TypeOrmLogger {
  on = false;
  count = 0;
  first: string[] = [];
  logQuery(query: string): void {
    if (!this.on) return;
    this.count += 1;
    if (this.first.length < 200) this.first.push(query.replace(/\s+/g, " ").trim());
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  // Never leave it behind, whatever ends the run.
  process.once("exit", () => child.kill("SIGKILL"));
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (i > 200) throw new Error("redis-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A province, a commune organization with one officer, a plan, and `n` assignments due DUE. */
async function makeWorld(ds: DataSource, n: number): Promise<number[]> {
  const unitRepo = ds.getRepository(Unit);
  const unit = async (name: string, type: UnitType, parent: Unit | null) => {
    const u = await unitRepo.save(
      unitRepo.create({
        code: `B${name.length}${type}`,
        type,
        fullName: name,
        level: LEVEL_OF_TYPE[type],
        parentId: parent?.id ?? null,
        path: "/",
        depth: parent ? parent.depth + 1 : 0,
        sources: [],
        confidence: Confidence.CONFIRMED,
        name: normalizeName(name),
        nameFolded: foldDiacritics(name),
        nameLower: lowerName(name),
      }),
    );
    u.path = `${parent ? parent.path : "/"}${u.id}/`;
    await unitRepo.update(u.id, { path: u.path });
    return u;
  };
  const province = await unit("Tỉnh Đo", UnitType.TINH, null);
  const commune = await unit("Xã Đo Thử", UnitType.XA, province);
  const orgRepo = ds.getRepository(Organization);
  const org = await orgRepo.save(
    orgRepo.create({
      code: "ORG-BENCH",
      kind: OrganizationKind.PEOPLES_COMMITTEE,
      unitId: commune.id,
      sources: [],
      name: "UBND xã Đo Thử",
      nameFolded: foldDiacritics("UBND xã Đo Thử"),
    }),
  );
  const user = await ds.getRepository(User).save(
    ds.getRepository(User).create({
      email: "can-bo@bench.backan.gov.vn",
      displayName: "Cán bộ đo",
      orgId: org.id,
      passwordHash: "x",
    }),
  );
  await ds.getRepository(UserRole).insert({ userId: user.id, role: Role.COMMUNE_OFFICER });
  const planRepo = ds.getRepository(Plan);
  const plan = await planRepo.save(
    planRepo.create({
      number: "1/KH-BENCH",
      title: "Kế hoạch đo",
      issuer: "UBND tỉnh",
      issuedOn: "2022-02-25",
      year: 2022,
      program: "Chương trình MTQG xây dựng nông thôn mới",
      periodStartYear: 2021,
      periodEndYear: 2025,
      scopeUnitId: province.id,
      sources: [],
    }),
  );
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1000) {
    const count = Math.min(1000, n - i);
    const tasks = await ds.getRepository(Task).insert(
      Array.from({ length: count }, (_, k) => ({
        planId: plan.id,
        path: "/",
        depth: 0,
        code: `B-${i + k + 1}`,
        title: `Cứng hóa đường trục thôn ${i + k + 1}`,
        leadOrgId: org.id,
        status: TaskStatus.ASSIGNED,
        dueDate: DUE,
        sources: [],
      })),
    );
    const res = await ds.getRepository(Assignment).insert(
      tasks.identifiers.map((t) => ({
        taskId: Number(t.id),
        planId: plan.id,
        orgId: org.id,
        assignerOrgId: org.id,
        role: AssignmentRole.LEAD,
        status: AssignmentStatus.IN_PROGRESS,
        dueDate: DUE,
      })),
    );
    ids.push(...res.identifiers.map((r) => Number(r.id)));
  }
  await ds.query("UPDATE task SET path = CONCAT('/', id, '/')");
  return ids;
}

const BASELINE_TABLE = `CREATE TABLE bench_delivery (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  assignment_id int unsigned NOT NULL, kind varchar(24) NOT NULL, due_date date NOT NULL,
  recipient_user_id int unsigned NOT NULL, channel varchar(16) NOT NULL,
  created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq (assignment_id, kind, due_date, recipient_user_id, channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

function jobsFor(assignmentIds: number[], fireAt: Date, now: Date) {
  return assignmentIds.map((assignmentId) =>
    sendReminderJob({ assignmentId, kind: "due_today", dueDate: DUE }, fireAt, now),
  );
}

/** The drained jobs retry after 10 ms instead of 5 s, so that a retried attempt does not idle the run. */
function drainJobsFor(assignmentIds: number[], now: Date) {
  return jobsFor(assignmentIds, now, now).map((j) => ({
    ...j,
    opts: { ...j.opts, backoff: { type: "fixed", delay: 10 } },
  }));
}

/** Failed attempts retried, per pipeline (over all runs). */
const retried: Record<Pipeline, number> = { noop: 0, baseline: 0, real: 0 };

interface Env {
  ds: DataSource;
  redisUrl: string;
  deps: ReminderDeps;
  assignmentIds: number[];
}

function processorOf(env: Env, pipeline: Pipeline, queue: ReminderQueue) {
  if (pipeline === "noop") return async () => undefined;
  if (pipeline === "baseline")
    return async (job: Job<SendReminderPayload>) => {
      await env.ds.query(
        `INSERT IGNORE INTO bench_delivery (assignment_id, kind, due_date, recipient_user_id, channel)
         VALUES (?, ?, ?, ?, 'in_app')`,
        [job.data.assignmentId, job.data.kind, job.data.dueDate, 1],
      );
    };
  const real = processReminderJob(env.deps, queue);
  return (job: Job) => real(job as Parameters<typeof real>[0]);
}

/** Resets what a pipeline writes, so every run delivers the same reminders afresh. */
async function reset(env: Env, pipeline: Pipeline): Promise<void> {
  if (pipeline === "baseline") await env.ds.query("TRUNCATE bench_delivery");
  if (pipeline === "real") {
    await env.ds.query("DELETE FROM reminder_delivery");
    await env.ds.query("DELETE FROM notification");
  }
}

/** Adds `n` jobs to a fresh queue, then drains it with one worker; returns jobs/s. */
async function drain(
  env: Env,
  pipeline: Pipeline,
  n: number,
  tag: string,
  monitor?: (phase: "add" | "process" | null) => Promise<void> | void,
): Promise<number> {
  await reset(env, pipeline);
  const name = `bench-${pipeline}-${tag}`;
  const queue: ReminderQueue = new Queue(name, { connection: bullConnection(env.redisUrl, "worker") });
  const now = new Date(NOW);
  await monitor?.("add");
  await enqueueOn(queue)(drainJobsFor(env.assignmentIds.slice(0, n), now));
  await monitor?.(null);
  let done = 0;
  let resolveDone!: () => void;
  const allDone = new Promise<void>((r) => (resolveDone = r));
  const worker = new Worker(name, processorOf(env, pipeline, queue), {
    connection: bullConnection(env.redisUrl, "worker"),
    concurrency: CONCURRENCY,
    autorun: false,
  });
  worker.on("completed", () => {
    if (++done === n) resolveDone();
  });
  // A failed attempt (a deadlock between two deliveries' inserts) is retried by BullMQ, as in
  // production; the run counts it. A job failing for good would be a bug: it ends the run.
  worker.on("failed", (job, err) => {
    retried[pipeline] += 1;
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      process.stderr.write(`${pipeline} job ${job.id} failed for good: ${err.message}\n`);
      process.exit(1);
    }
  });
  await worker.waitUntilReady();
  await monitor?.("process");
  const t0 = process.hrtime.bigint();
  void worker.run();
  await allDone;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await monitor?.(null);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  if (pipeline === "real") {
    const [{ c }] = await env.ds.query("SELECT COUNT(*) AS c FROM notification");
    if (Number(c) !== n) throw new Error(`real pipeline notified ${c} of ${n}`);
  }
  return n / seconds;
}

async function usedMemory(admin: Redis): Promise<number> {
  const info = await admin.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function commandCalls(admin: Redis): Promise<number> {
  const info = await admin.info("commandstats");
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== "info") total += Number(m[2]);
  return total;
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const redis = await startRedis();
  const admin = new Redis(redis.url);
  const base = loadConfig(process.env);
  const url = new URL(base.databaseUrl);
  url.pathname = `/ntm_bench_rem_${randomBytes(3).toString("hex")}`;
  const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), REDIS_URL: redis.url });
  await ensureDatabase(config.database);
  const sql = new StatementCounter();
  const ds = createDataSource(config.database, { poolSize: CONCURRENCY + 2, logger: sql });
  await ds.initialize();
  const log = (s: string) => process.stdout.write(`${s}\n`);
  try {
    await ds.runMigrations({ transaction: "each" });
    await seedCalendar(ds);
    await ds.query(BASELINE_TABLE);
    const assignmentIds = await makeWorld(ds, Math.max(JOBS.baseline, JOBS.real, MONITORED));
    // The no-op drains more jobs than there are assignments: synthetic ids (it reads nothing).
    const noopIds = Array.from({ length: JOBS.noop }, (_, i) => 1_000_000 + i);
    const deps: ReminderDeps = {
      ds,
      clock: new FixedClock(new Date(NOW)),
      timeZone: "Asia/Ho_Chi_Minh",
      lookaheadHours: 36,
      mailer: null,
      calendarCacheMs: 60_000, // as the worker process runs it (src/app/bootstrap.ts)
    };
    const env: Env = { ds, redisUrl: redis.url, deps, assignmentIds };
    const noopEnv: Env = { ...env, assignmentIds: noopIds };
    log(`world ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // 1. Drain rates, interleaved run by run.
    const rates: Record<Pipeline, number[]> = { noop: [], baseline: [], real: [] };
    const callsPerJob: Record<Pipeline, number[]> = { noop: [], baseline: [], real: [] };
    for (let r = 1; r <= RUNS; r++) {
      for (const p of ["noop", "baseline", "real"] as const) {
        const before = await commandCalls(admin);
        rates[p].push(await drain(p === "noop" ? noopEnv : env, p, JOBS[p], `r${r}`));
        callsPerJob[p].push(((await commandCalls(admin)) - before) / JOBS[p]);
        log(`run ${r} ${p}: ${Math.round(rates[p][r - 1])} jobs/s`);
      }
    }

    // 2. Commands per job, by MONITOR: client-sent vs run inside Lua scripts.
    const monitored: Record<Pipeline, Record<"add" | "process", { client: number; lua: number }>> = {
      noop: { add: { client: 0, lua: 0 }, process: { client: 0, lua: 0 } },
      baseline: { add: { client: 0, lua: 0 }, process: { client: 0, lua: 0 } },
      real: { add: { client: 0, lua: 0 }, process: { client: 0, lua: 0 } },
    };
    const mon = await admin.monitor();
    let phase: "add" | "process" | null = null;
    let current: Pipeline = "noop";
    // MONITOR's feed lags behind the commands: a phase ends once an ECHO sent after it comes back
    // through the feed, so every command of the phase has been counted.
    const markers = new Map<string, () => void>();
    mon.on("monitor", (_time: string, args: string[], source: string) => {
      const command = args[0]?.toLowerCase();
      if (command === "echo" && markers.has(args[1])) return markers.get(args[1])!();
      if (!phase || command === "info") return;
      monitored[current][phase][source === "lua" ? "lua" : "client"] += 1;
    });
    const flush = async () => {
      const token = `mark-${randomBytes(4).toString("hex")}`;
      const seen = new Promise<void>((resolve) => markers.set(token, resolve));
      await admin.echo(token);
      await seen;
      markers.delete(token);
    };
    const statements: Record<Pipeline, number> = { noop: 0, baseline: 0, real: 0 };
    let realStatements: string[] = [];
    for (const p of ["noop", "baseline", "real"] as const) {
      current = p;
      await drain(p === "noop" ? noopEnv : env, p, MONITORED, "mon", async (ph) => {
        if (ph === null) await flush();
        phase = ph;
        if (ph === "process") Object.assign(sql, { on: true, count: 0, first: [] });
        if (ph === null && sql.on) {
          sql.on = false;
          statements[p] = sql.count / MONITORED;
          if (p === "real") realStatements = sql.first.slice();
        }
      });
    }
    mon.disconnect();

    // 3. addBulk of 100,000 reminders (delayed an hour, as the reconciler adds them), and memory.
    const bulkRates: number[] = [];
    const bytesPerJob: number[] = [];
    let encoding = "";
    let optsBytes = 0;
    let dataBytes = 0;
    const bulkIds = Array.from({ length: BULK }, (_, i) => 100_000 + i);
    for (let r = 1; r <= RUNS; r++) {
      const queue: ReminderQueue = new Queue(`bench-bulk-${r}`, {
        connection: bullConnection(redis.url, "worker"),
      });
      await queue.waitUntilReady();
      const now = new Date(NOW);
      const jobs = jobsFor(bulkIds, new Date(now.getTime() + 3600_000), now);
      const mem0 = await usedMemory(admin);
      const t0 = process.hrtime.bigint();
      await enqueueOn(queue)(jobs);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      bulkRates.push(BULK / seconds);
      bytesPerJob.push(((await usedMemory(admin)) - mem0) / BULK);
      const key = `bull:bench-bulk-${r}:${jobs[0].opts.jobId}`;
      encoding = String(await admin.object("ENCODING", key));
      optsBytes = (await admin.hget(key, "opts"))?.length ?? 0;
      dataBytes = (await admin.hget(key, "data"))?.length ?? 0;
      log(
        `addBulk run ${r}: ${Math.round(bulkRates[r - 1])} jobs/s, ${Math.round(bytesPerJob[r - 1])} B/job`,
      );
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const exampleId = jobsFor([12345], new Date(NOW), new Date(NOW))[0].opts.jobId!;

    const med = (p: Pipeline) => median(rates[p]);
    const ratio = med("real") / med("baseline");
    const perJob = (p: Pipeline, ph: "add" | "process", k: "client" | "lua") =>
      (monitored[p][ph][k] / MONITORED).toFixed(1);
    const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
    const markdown = `## Reminders (\`npm run bench:reminders\`)

${machineLine()}
Load average (1 min) at start and end: ${loadAtStart.toFixed(1)} and ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (the machine is
shared with other runs: absolute rates swing between runs; the side-by-side ratio is the figure to read).
A Redis server of the benchmark's own (\`redis-server\` started by it, nothing kept on disk) and a
database of its own on the shared MariaDB; the same concurrency (${CONCURRENCY}, REMINDER_CONCURRENCY's
default) for the three workers, interleaved run by run; medians of ${RUNS} runs. Every job is a
\`send-reminder\` job with its real id (\`${exampleId}\`) and options. Total wall time ${Math.round(
      (Date.now() - started) / 1000,
    )} s.

| worker | jobs per run | jobs/s (median) | runs | vs baseline |
|---|---:|---:|---|---:|
| no-op | ${fmt(JOBS.noop)} | ${fmt(med("noop"))} | ${rates.noop.map(fmt).join(", ")} | ${(med("noop") / med("baseline")).toFixed(2)}x |
| baseline: one \`INSERT IGNORE\` per job | ${fmt(JOBS.baseline)} | ${fmt(med("baseline"))} | ${rates.baseline.map(fmt).join(", ")} | 1.00x |
| real pipeline (in-app) | ${fmt(JOBS.real)} | ${fmt(med("real"))} | ${rates.real.map(fmt).join(", ")} | **${ratio.toFixed(2)}x** |

Failed attempts retried by BullMQ (InnoDB deadlocks between concurrent deliveries' inserts; the
drained jobs retry after 10 ms): no-op ${retried.noop}, baseline ${retried.baseline}, real ${retried.real},
over all runs. Every reminder was delivered once (the run checks one notification per job).

Goal: real ≥ 0.8x baseline: **${ratio >= 0.8 ? "met" : "not met"}** (${ratio.toFixed(2)}x). SQL statements
per job (counted on the monitored run): baseline ${statements.baseline.toFixed(1)}, real ${statements.real.toFixed(
      1,
    )} (one transaction, one commit, like the baseline's autocommit). The statements of a real job, in order (five jobs run at once, so shapes are listed once):

${[
  ...new Set(
    realStatements.map((q) => q.replace(/`/g, "")).map((q) => (q.length > 110 ? `${q.slice(0, 107)}...` : q)),
  ),
]
  .map((q) => `- \`${q}\``)
  .join("\n")}

The baseline's one statement is the real job's delivery-row insert; the other eight re-read the
assignment and the plan's ladder, open a transaction, re-check the assignment under a shared lock
(a deadline moved a moment ago wins), resolve the recipients, insert the notification, link it to
the delivery row, and commit. That is the price of "re-read, do nothing when the world moved on,
deliver exactly once"; the working calendar is already cached for 60 s (src/reminders/calendar-cache.ts).

\`addBulk\` of ${fmt(BULK)} reminder jobs (delayed, 1,000 per call, as the reconciler adds them):
**${fmt(median(bulkRates))} jobs/s** median (runs ${bulkRates.map(fmt).join(", ")}; goal ≥ 20,000/s:
${median(bulkRates) >= 20_000 ? "met" : "not met"}).

Redis per job, counted with MONITOR on a separate run of ${fmt(MONITORED)} jobs per worker. "Client"
is what the client sends (mostly \`EVALSHA\` of BullMQ's scripts); "Lua" is what those scripts run
inside Redis:

| worker | add: client | add: Lua | process: client | process: Lua |
|---|---:|---:|---:|---:|
| no-op | ${perJob("noop", "add", "client")} | ${perJob("noop", "add", "lua")} | ${perJob("noop", "process", "client")} | ${perJob("noop", "process", "lua")} |
| baseline | ${perJob("baseline", "add", "client")} | ${perJob("baseline", "add", "lua")} | ${perJob("baseline", "process", "client")} | ${perJob("baseline", "process", "lua")} |
| real | ${perJob("real", "add", "client")} | ${perJob("real", "add", "lua")} | ${perJob("real", "process", "client")} | ${perJob("real", "process", "lua")} |

\`INFO commandstats\` over the timed runs (every command Redis executed, client and Lua together,
add + process): no-op ${median(callsPerJob.noop).toFixed(1)}, baseline ${median(callsPerJob.baseline).toFixed(
      1,
    )}, real ${median(callsPerJob.real).toFixed(1)} per job.

Redis memory per queued (delayed) reminder: **${fmt(median(bytesPerJob))} bytes** (INFO
\`used_memory\` delta / ${fmt(BULK)}). The job hash is encoded \`${encoding}\`: its \`opts\` field is
${optsBytes} bytes and \`data\` ${dataBytes} bytes${optsBytes > 64 || dataBytes > 64 ? " (above Redis's 64-byte listpack limit, so the hash is a hashtable)" : " (both within Redis's 64-byte listpack limit)"}; job ids
are ${exampleId.length} characters and contain no \`:\` (BullMQ 6 refuses them).
`;
    writeSection({ name: "reminders", markdown });
    log(markdown);
  } finally {
    await ds.destroy();
    await dropDatabase(config.database);
    await admin.quit();
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
