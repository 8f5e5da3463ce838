import { Writable } from "node:stream";
import { databaseCheck, migrationsCheck, redisClientCheck } from "../../src/app/ready";
import { startOpsListener, type OpsListener } from "../../src/app/worker-http";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { type ReminderService, startReminderService } from "../../src/reminders/reminder-worker";
import { toGlobalId } from "../../src/shared/ids";
import { createLogger } from "../../src/shared/logger";
import { Role } from "../../src/shared/roles";
import { TEST_PASSWORD, makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

type Line = Record<string, unknown>;

/** A pino destination that keeps every line, parsed. */
function capture(): { lines: Line[]; raw: string[]; stream: Writable } {
  const lines: Line[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk
        .toString("utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")) {
        raw.push(text);
        lines.push(JSON.parse(text) as Line);
      }
      done();
    },
  });
  return { lines, raw, stream };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("request IDs in the logs, from the request to the job it caused", () => {
  const api = capture();
  const worker = capture();
  let app: TestApp;
  let token: string;
  let officerId: number;
  let assignmentId: number;
  let service: ReminderService | null = null;
  let ops: OpsListener | null = null;

  beforeAll(async () => {
    app = await startTestApp({
      now: new Date("2022-03-01T02:00:00Z"),
      logger: createLogger("info", api.stream),
      configure: (c) => ({
        ...c,
        ops: { ...c.ops, metricsToken: "worker-metrics-token-0123", metricsAllow: [] },
      }),
    });
    const ds = app.db.ds;
    const tree = await makeTree(ds, 1, 1, 0, "Nhật ký");
    const office = await makeOrg(ds, {
      unit: tree.province,
      kind: OrganizationKind.COORDINATION_OFFICE,
      name: "Văn phòng Điều phối",
    });
    const district = await makeOrg(ds, { unit: tree.districts[0] });
    const plan = await makePlan(ds, { scope: tree.province });
    const task = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2022-12-31",
    });
    assignmentId = (await makeAssignment(ds, { task, org: district, assigner: office, status: "assigned" }))
      .id;
    const officer = await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] });
    officerId = officer.id;
    token = await app.tokenFor(officer);
  }, 90_000);
  afterAll(async () => {
    await ops?.close();
    if (service) {
      service.stopWatchdog();
      await service.close();
    }
    await app.close();
  });

  it("logs one line per request, and the worker logs the job the mutation enqueued with the same rid", async () => {
    const rid = "trace-accept-0001";
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": rid },
      body: JSON.stringify({
        query: `mutation Accept($i: TransitionAssignmentInput!) { transitionAssignment(input: $i) { userErrors { code } } }`,
        variables: {
          i: { assignmentId: toGlobalId("Assignment", assignmentId), action: "ACCEPT", version: 1 },
        },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(rid);
    expect(await res.json()).toEqual({ data: { transitionAssignment: { userErrors: [] } } });

    const line = await waitFor(
      () => api.lines.find((l) => l.msg === "request" && l.rid === rid),
      "request line",
    );
    expect(line).toMatchObject({
      level: 30,
      rid,
      method: "POST",
      route: "/graphql",
      status: 200,
      operation: "Accept",
      operationType: "mutation",
      viewerId: officerId,
    });
    expect(typeof line.durationMs).toBe("number");
    expect(api.lines.filter((l) => l.msg === "request" && l.rid === rid)).toHaveLength(1);
    // No token, password or variables in any line.
    expect(api.raw.join("\n")).not.toContain(token);
    expect(api.raw.join("\n")).not.toContain(TEST_PASSWORD);
    expect(api.raw.join("\n")).not.toContain("TransitionAssignmentInput");

    // The job carries the rid; the worker (in this process, as the worker process builds it) logs it.
    const jobs = await app.server.reminderQueue.getJobs(["waiting", "delayed", "prioritized"]);
    expect(jobs.some((j) => (j.data as { rid?: string }).rid === rid)).toBe(true);
    service = await startReminderService(
      {
        ds: app.db.ds,
        clock: app.clock,
        timeZone: app.db.config.timeZone,
        lookaheadHours: 36,
        logger: createLogger("info", worker.stream),
      },
      { config: app.db.config, concurrency: 1 },
    );
    const done = await waitFor(
      () => worker.lines.find((l) => l.rid === rid && l.msg === "job completed"),
      "job line with the request's rid",
    );
    expect(done).toMatchObject({ rid, job: "reconcile-reminders" });
    expect(typeof done.jobId).toBe("string");
  });

  it("the worker's listener serves /health, /ready and its job metrics", async () => {
    const probe = app.redis;
    ops = await startOpsListener({
      ops: app.db.config.ops && {
        ...app.db.config.ops,
        metricsToken: "worker-metrics-token-0123",
        metricsAllow: [],
      },
      checks: [databaseCheck(app.db.ds), redisClientCheck(probe), migrationsCheck(app.db.ds)],
      logger: createLogger("silent"),
      port: 0,
      host: "127.0.0.1",
    });
    const base = `http://127.0.0.1:${ops.port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { mariadb: "ok", redis: "ok", migrations: "ok" },
    });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, {
      headers: { authorization: "Bearer worker-metrics-token-0123" },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(
      /ntm_job_duration_seconds_count\{queue="reminders",job="reconcile-reminders",outcome="completed"\} [1-9]/,
    );
  });
});
