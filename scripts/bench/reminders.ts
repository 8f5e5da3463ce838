/**
 * npm run bench:reminders: how fast reminders go through BullMQ and MariaDB here, side by side in
 * one run, on a Redis server of its own (started here, nothing kept on disk) and a database of
 * its own (created, migrated, dropped):
 *  - workers at the same concurrency draining reminders: a no-op and a baseline doing one INSERT
 *    IGNORE into a unique-keyed table per job (the least an exactly-once delivery needs), both on
 *    one send-reminder job per reminder; the real pipeline (src/reminders/reminder-worker.ts
 *    processReminderJob: re-read, render, record the delivery, the in-app notification) on
 *    send-reminders batches packed as the reconciler packs them (enqueueOn: 100 reminders sharing
 *    an instant per job); for context, the real pipeline on one job per reminder, and the no-op
 *    and baseline on the same batches;
 *  - addBulk of 100,000 reminders the way the reconciler adds them (enqueueOn: packed, 1,000 jobs
 *    a call), and as single jobs for comparison;
 *  - Redis commands per job and per reminder (MONITOR: sent by the client vs run inside BullMQ's
 *    Lua scripts), Redis memory per queued reminder (INFO memory delta / reminders), SQL
 *    statements per job and per reminder.
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
import type { SendJob } from "../../src/reminders/jobs/reconcile.job";
import { sendReminderJob, type SendReminderPayload } from "../../src/reminders/jobs/send-reminder.job";
import {
  packSendJobs,
  REMINDER_BATCH_SIZE,
  remindersOf,
  SEND_REMINDERS,
  type SendRemindersPayload,
} from "../../src/reminders/jobs/send-reminders.job";
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
import { type BenchSection, loadLine, machineLine, median, runAsScript } from "./report";

const CONCURRENCY = 5; // REMINDER_CONCURRENCY's default
const RUNS = 3;
const BULK = 100_000;
/** due_today of a task due Tuesday 31/01/2023 fires at 08:00 local, 01:00 UTC: the clock of the run. */
const DUE = "2023-01-31";
const NOW = "2023-01-31T01:00:00.000Z";

type Pipeline = "noop" | "baseline" | "real";

/** One worker of the side-by-side drain: what it runs, on which jobs, how many reminders a run. */
interface Variant {
  key: "noop" | "baseline" | "real" | "realSingle" | "noopBatch" | "baselineBatch";
  label: string;
  pipeline: Pipeline;
  /** Reminders per job: 1 (a send-reminder job each) or REMINDER_BATCH_SIZE (send-reminders, packed). */
  perJob: number;
  reminders: number;
  /** Reminders drained on the MONITOR run (0: not monitored). */
  monitored: number;
}

const VARIANTS: Variant[] = [
  { key: "noop", label: "no-op", pipeline: "noop", perJob: 1, reminders: 6_000, monitored: 200 },
  {
    key: "baseline",
    label: "baseline: one `INSERT IGNORE` per job",
    pipeline: "baseline",
    perJob: 1,
    reminders: 1_500,
    monitored: 200,
  },
  {
    key: "real",
    label: `**real pipeline, batched** (${REMINDER_BATCH_SIZE} per job)`,
    pipeline: "real",
    perJob: REMINDER_BATCH_SIZE,
    reminders: 4_000,
    monitored: 1_000,
  },
  {
    key: "realSingle",
    label: "real pipeline, one reminder per job (send-reminder)",
    pipeline: "real",
    perJob: 1,
    reminders: 600,
    monitored: 200,
  },
  {
    key: "noopBatch",
    label: `no-op, the same batches (${REMINDER_BATCH_SIZE} per job)`,
    pipeline: "noop",
    perJob: REMINDER_BATCH_SIZE,
    reminders: 20_000,
    monitored: 0,
  },
  {
    key: "baselineBatch",
    label: `baseline, the same batches: one multi-row \`INSERT IGNORE\` per job`,
    pipeline: "baseline",
    perJob: REMINDER_BATCH_SIZE,
    reminders: 20_000,
    monitored: 0,
  },
];
type VariantKey = Variant["key"];

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

/** Every reminder as its send-reminder job, due at `fireAt`: what the reconciler hands the queue. */
function sendJobsFor(assignmentIds: readonly number[], fireAt: Date, now: Date): SendJob[] {
  return assignmentIds.map((assignmentId) => ({
    ...sendReminderJob({ assignmentId, kind: "due_today", dueDate: DUE }, fireAt, now),
    fireAt,
  }));
}

/**
 * The jobs of a drain: one per reminder, or packed as the reconciler packs them; they retry after
 * 10 ms instead of 5 s, so that a retried attempt does not idle the run.
 */
function drainJobsFor(assignmentIds: readonly number[], perJob: number, now: Date) {
  const single = sendJobsFor(assignmentIds, now, now);
  const jobs =
    perJob === 1
      ? single.map(({ name, data, opts }) => ({ name, data, opts }))
      : packSendJobs(single, perJob);
  return jobs.map((j) => ({ ...j, opts: { ...j.opts, backoff: { type: "fixed", delay: 10 } } }));
}

/** Failed attempts retried, per variant (over all runs). */
const retried = Object.fromEntries(VARIANTS.map((v) => [v.key, 0])) as Record<VariantKey, number>;

interface Env {
  ds: DataSource;
  redisUrl: string;
  deps: ReminderDeps;
  assignmentIds: number[];
  /** Ids the no-op and the baseline use (they read nothing, so more than there are assignments). */
  syntheticIds: number[];
}

function payloadsOf(job: Job): SendReminderPayload[] {
  return job.name === SEND_REMINDERS
    ? remindersOf(job.data as SendRemindersPayload)
    : [job.data as SendReminderPayload];
}

function processorOf(env: Env, pipeline: Pipeline, queue: ReminderQueue) {
  if (pipeline === "noop") return async () => undefined;
  if (pipeline === "baseline")
    return async (job: Job) => {
      const rs = payloadsOf(job);
      await env.ds.query(
        `INSERT IGNORE INTO bench_delivery (assignment_id, kind, due_date, recipient_user_id, channel)
         VALUES ${rs.map(() => "(?, ?, ?, ?, 'in_app')").join(", ")}`,
        rs.flatMap((r) => [r.assignmentId, r.kind, r.dueDate, 1]),
      );
    };
  const real = processReminderJob(env.deps, queue);
  return (job: Job, token?: string) => real(job as Parameters<typeof real>[0], token);
}

/** Resets what a pipeline writes, so every run delivers the same reminders afresh. */
async function reset(env: Env, pipeline: Pipeline): Promise<void> {
  if (pipeline === "baseline") await env.ds.query("TRUNCATE bench_delivery");
  if (pipeline === "real") {
    await env.ds.query("DELETE FROM reminder_delivery");
    await env.ds.query("DELETE FROM notification");
  }
}

/** Adds `n` reminders (as `v`'s jobs) to a fresh queue, then drains it with one worker; returns reminders/s. */
async function drain(
  env: Env,
  v: Variant,
  n: number,
  tag: string,
  monitor?: (phase: "add" | "process" | null) => Promise<void> | void,
): Promise<{ remindersPerSecond: number; jobs: number }> {
  await reset(env, v.pipeline);
  const name = `bench-${v.key}-${tag}`;
  const queue: ReminderQueue = new Queue(name, { connection: bullConnection(env.redisUrl, "worker") });
  const now = new Date(NOW);
  const ids = (v.pipeline === "real" ? env.assignmentIds : env.syntheticIds).slice(0, n);
  if (ids.length < n) throw new Error(`${v.key}: ${n} reminders wanted, ${ids.length} ids`);
  const jobs = drainJobsFor(ids, v.perJob, now);
  await monitor?.("add");
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
  await monitor?.(null);
  let done = 0;
  let resolveDone!: () => void;
  const allDone = new Promise<void>((r) => (resolveDone = r));
  const worker = new Worker(name, processorOf(env, v.pipeline, queue), {
    connection: bullConnection(env.redisUrl, "worker"),
    concurrency: CONCURRENCY,
    autorun: false,
  });
  worker.on("completed", () => {
    if (++done === jobs.length) resolveDone();
  });
  // A failed attempt (a deadlock between two deliveries' inserts) is retried by BullMQ, as in
  // production; the run counts it. A job failing for good would be a bug: it ends the run.
  worker.on("failed", (job, err) => {
    retried[v.key] += 1;
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      process.stderr.write(`${v.key} job ${job.id} failed for good: ${err.message}\n`);
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
  if (v.pipeline === "real") {
    // Every reminder delivered once: one delivery row and one notification each, no more.
    const [{ d }] = await env.ds.query("SELECT COUNT(*) AS d FROM reminder_delivery");
    const [{ c }] = await env.ds.query("SELECT COUNT(*) AS c FROM notification");
    if (Number(d) !== n || Number(c) !== n)
      throw new Error(`${v.key}: ${d} deliveries, ${c} notifications of ${n}`);
  }
  return { remindersPerSecond: n / seconds, jobs: jobs.length };
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

type Counts = Record<"add" | "process", { client: number; lua: number }>;

export async function run(): Promise<BenchSection> {
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
    const realMost = Math.max(...VARIANTS.filter((v) => v.pipeline === "real").map((v) => v.reminders));
    const assignmentIds = await makeWorld(ds, realMost);
    const syntheticIds = Array.from(
      { length: Math.max(...VARIANTS.map((v) => v.reminders)) },
      (_, i) => 1_000_000 + i,
    );
    const deps: ReminderDeps = {
      ds,
      clock: new FixedClock(new Date(NOW)),
      timeZone: "Asia/Ho_Chi_Minh",
      lookaheadHours: 36,
      mailer: null,
      calendarCacheMs: 60_000, // as the worker process runs it (src/app/bootstrap.ts)
    };
    const env: Env = { ds, redisUrl: redis.url, deps, assignmentIds, syntheticIds };
    log(`world ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // 1. Drain rates, interleaved run by run.
    const rates = Object.fromEntries(VARIANTS.map((v) => [v.key, [] as number[]])) as Record<
      VariantKey,
      number[]
    >;
    const jobsPerRun = {} as Record<VariantKey, number>;
    const callsPerJob = Object.fromEntries(VARIANTS.map((v) => [v.key, [] as number[]])) as Record<
      VariantKey,
      number[]
    >;
    for (let r = 1; r <= RUNS; r++) {
      for (const v of VARIANTS) {
        const before = await commandCalls(admin);
        const { remindersPerSecond, jobs } = await drain(env, v, v.reminders, `r${r}`);
        rates[v.key].push(remindersPerSecond);
        jobsPerRun[v.key] = jobs;
        callsPerJob[v.key].push(((await commandCalls(admin)) - before) / jobs);
        log(`run ${r} ${v.key}: ${Math.round(remindersPerSecond)} reminders/s (${jobs} jobs)`);
      }
    }

    // 2. Redis commands per job, by MONITOR: client-sent vs run inside Lua scripts; SQL statements.
    const monitoredVariants = VARIANTS.filter((v) => v.monitored > 0);
    const monitored = {} as Record<VariantKey, Counts & { jobs: number }>;
    const mon = await admin.monitor();
    let phase: "add" | "process" | null = null;
    let current: VariantKey = "noop";
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
    const statements = {} as Record<VariantKey, number>;
    let realStatements: string[] = [];
    for (const v of monitoredVariants) {
      current = v.key;
      monitored[v.key] = { add: { client: 0, lua: 0 }, process: { client: 0, lua: 0 }, jobs: 0 };
      const { jobs } = await drain(env, v, v.monitored, "mon", async (ph) => {
        if (ph === null) await flush();
        phase = ph;
        if (ph === "process") Object.assign(sql, { on: true, count: 0, first: [] });
        if (ph === null && sql.on) {
          sql.on = false;
          statements[v.key] = sql.count;
          if (v.key === "real") realStatements = sql.first.slice();
        }
      });
      monitored[v.key].jobs = jobs;
    }
    mon.disconnect();

    // 3. addBulk of 100,000 reminders (delayed an hour, as the reconciler adds them), and memory:
    //    packed as enqueueOn packs them (the reconciler's way), and as one job each for comparison.
    const bulkFigures = () => ({
      rates: [] as number[],
      bytes: [] as number[],
      jobs: 0,
      encoding: "",
      opts: 0,
      data: 0,
      id: "",
    });
    const bulk = { packed: bulkFigures(), single: bulkFigures() };
    const bulkIds = Array.from({ length: BULK }, (_, i) => 100_000 + i);
    for (let r = 1; r <= RUNS; r++) {
      for (const how of ["packed", "single"] as const) {
        const b = bulk[how];
        const qname = `bench-bulk-${how}-${r}`;
        const queue: ReminderQueue = new Queue(qname, { connection: bullConnection(redis.url, "worker") });
        await queue.waitUntilReady();
        const now = new Date(NOW);
        const reminders = sendJobsFor(bulkIds, new Date(now.getTime() + 3600_000), now);
        const mem0 = await usedMemory(admin);
        const t0 = process.hrtime.bigint();
        if (how === "packed") await enqueueOn(queue)(reminders);
        else
          for (let i = 0; i < reminders.length; i += 1000)
            await queue.addBulk(
              reminders.slice(i, i + 1000).map(({ name, data, opts }) => ({ name, data, opts })),
            );
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        b.rates.push(BULK / seconds);
        b.bytes.push(((await usedMemory(admin)) - mem0) / BULK);
        const counts = await queue.getJobCounts("delayed");
        b.jobs = counts.delayed;
        b.id = (await queue.getDelayed(0, 0))[0]?.id ?? "";
        const key = `bull:${qname}:${b.id}`;
        b.encoding = String(await admin.object("ENCODING", key));
        b.opts = (await admin.hget(key, "opts"))?.length ?? 0;
        b.data = (await admin.hget(key, "data"))?.length ?? 0;
        log(
          `addBulk ${how} run ${r}: ${Math.round(b.rates[r - 1])} reminders/s in ${b.jobs} jobs, ${Math.round(b.bytes[r - 1])} B/reminder`,
        );
        await queue.obliterate({ force: true });
        await queue.close();
      }
    }

    const med = (k: VariantKey) => median(rates[k]);
    const ratio = med("real") / med("baseline");
    const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
    const f1 = (x: number) => (x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toFixed(3));
    const v = (k: VariantKey) => VARIANTS.find((x) => x.key === k)!;
    const bulkRate = median(bulk.packed.rates);
    const row = (k: VariantKey) =>
      `| ${v(k).label} | ${fmt(v(k).reminders)} in ${fmt(jobsPerRun[k])} jobs | ${fmt(med(k))} | ${rates[k]
        .map(fmt)
        .join(
          ", ",
        )} | ${fmt(med(k) / v(k).perJob)} | ${k === "real" ? "**" : ""}${(med(k) / med("baseline")).toFixed(2)}x${k === "real" ? "**" : ""} |`;
    const perRow = (k: VariantKey) => {
      const m = monitored[k];
      const n = v(k).monitored;
      const cell = (ph: "add" | "process", src: "client" | "lua") =>
        `${f1(m[ph][src] / m.jobs)} / ${f1(m[ph][src] / n)}`;
      return `| ${v(k).label} | ${fmt(n)} in ${fmt(m.jobs)} | ${cell("add", "client")} | ${cell("add", "lua")} | ${cell("process", "client")} | ${cell("process", "lua")} | ${
        statements[k] === undefined ? "–" : `${f1(statements[k] / m.jobs)} / ${f1(statements[k] / n)}`
      } |`;
    };
    const markdown = `## Reminders (\`npm run bench:reminders\`)

${machineLine()}
${loadLine(loadAtStart)} Absolute rates swing between runs; the side-by-side ratio is the figure to read.${
      loadAtStart > os.cpus().length
        ? "\n**Measured under heavy load** (load average above the number of cores): the figures are low and noisy; re-measure on a quiet machine."
        : ""
    }
A Redis server of the benchmark's own (\`redis-server\` started by it, nothing kept on disk) and a
database of its own on the shared MariaDB; the same concurrency (${CONCURRENCY}, REMINDER_CONCURRENCY's
default) for every worker, interleaved run by run; medians of ${RUNS} runs. Total wall time ${Math.round(
      (Date.now() - started) / 1000,
    )} s.

The no-op and the baseline drain one \`send-reminder\` job per reminder (real ids such as
\`${sendJobsFor([12345], new Date(NOW), new Date(NOW))[0].opts.jobId}\`, real options). The real pipeline drains \`send-reminders\` jobs
packed the way the reconciler packs reminders sharing an instant (\`enqueueOn\` → \`packSendJobs\`:
sorted by key, ${REMINDER_BATCH_SIZE} per job, ids such as \`${packSendJobs(sendJobsFor(assignmentIds.slice(0, 2), new Date(NOW), new Date(NOW)))[0].opts.jobId}\`); each reminder is the
due_today rung of its own assignment, one recipient each (as the baseline's one row). The last three
rows are context: the real pipeline on one job per reminder (what every reminder cost before
batching), and the no-op and the baseline fed the same batches.

| worker | reminders per run | reminders/s (median) | runs | jobs/s | vs baseline |
|---|---:|---:|---|---:|---:|
${(["noop", "baseline", "real", "realSingle", "noopBatch", "baselineBatch"] as const).map(row).join("\n")}

Failed attempts retried by BullMQ (InnoDB deadlocks between concurrent deliveries' inserts; the
drained jobs retry after 10 ms), over all runs: ${VARIANTS.map((x) => `${x.key} ${retried[x.key]}`).join(", ")}.
Every reminder of every real run was delivered once (the run checks one delivery row and one
notification per reminder, no more).

Goal: real ≥ 0.8x baseline: **${ratio >= 0.8 ? "met" : "not met"}** (${ratio.toFixed(2)}x, reminders delivered per second
against the baseline's single-insert jobs per second).

The statements of one batch (counted on the monitored run; ${CONCURRENCY} jobs run at once, so shapes are listed once):

${[
  ...new Set(
    realStatements.map((q) => q.replace(/`/g, "")).map((q) => (q.length > 110 ? `${q.slice(0, 107)}...` : q)),
  ),
]
  .map((q) => `- \`${q}\``)
  .join("\n")}

A batch re-reads its assignments in one statement and the ladders in another (the working calendar
is cached for 60 s), then in one transaction re-checks every assignment under a shared lock in one
statement, resolves every recipient in one, inserts every delivery row in one multi-row \`INSERT
IGNORE … RETURNING\`, the notifications of the new rows only in one, links them in one, and commits.

Redis and SQL per job / per reminder, counted on a separate run per worker (MONITOR). "Client" is
what the client sends (mostly \`EVALSHA\` of BullMQ's scripts); "Lua" is what those scripts run
inside Redis; "SQL" counts every statement the worker sent while draining, BEGIN and COMMIT included.
The batched run is 10 jobs, so a worker's fixed commands (fetching its first job, finding the
queue drained) weigh more per job than on the runs of 200:

| worker | reminders in jobs | add: client | add: Lua | process: client | process: Lua | SQL |
|---|---:|---:|---:|---:|---:|---:|
${monitoredVariants.map((x) => perRow(x.key)).join("\n")}

\`INFO commandstats\` over the timed runs (every command Redis executed, client and Lua together,
add + process), per job / per reminder: ${VARIANTS.map(
      (x) => `${x.key} ${f1(median(callsPerJob[x.key]))} / ${f1(median(callsPerJob[x.key]) / x.perJob)}`,
    ).join(", ")}.

\`addBulk\` of ${fmt(BULK)} reminders (delayed an hour, as the reconciler adds them), medians of ${RUNS} runs:

| how | jobs | reminders/s (median) | runs | Redis bytes per queued reminder | job hash: encoding, \`opts\`, \`data\` bytes |
|---|---:|---:|---|---:|---|
| **packed** (\`enqueueOn\`, ${REMINDER_BATCH_SIZE} per \`send-reminders\` job, 1,000 jobs per call) | ${fmt(bulk.packed.jobs)} | **${fmt(bulkRate)}** | ${bulk.packed.rates.map(fmt).join(", ")} | **${fmt(median(bulk.packed.bytes))}** | ${bulk.packed.encoding}, ${bulk.packed.opts}, ${bulk.packed.data} |
| one \`send-reminder\` job each (1,000 per call) | ${fmt(bulk.single.jobs)} | ${fmt(median(bulk.single.rates))} | ${bulk.single.rates.map(fmt).join(", ")} | ${fmt(median(bulk.single.bytes))} | ${bulk.single.encoding}, ${bulk.single.opts}, ${bulk.single.data} |

Goal: \`addBulk\` ≥ 20,000 reminders/s: **${bulkRate >= 20_000 ? "met" : "not met"}** (${fmt(bulkRate)}/s, packing included).
Redis memory per queued reminder is INFO \`used_memory\` delta / ${fmt(BULK)}. A batch's id
(\`${bulk.packed.id}\`, ${bulk.packed.id.length} characters) and a single job's
(\`${bulk.single.id}\`) contain no \`:\` (BullMQ 6 refuses them); a batch's payload lists
assignment ids under their kind and due date, a few bytes per reminder.
`;
    return { name: "reminders", markdown };
  } finally {
    await ds.destroy();
    await dropDatabase(config.database);
    await admin.quit();
    await redis.stop();
  }
}

if (require.main === module) runAsScript(run);
