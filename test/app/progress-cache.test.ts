import { AnswerCache, type CachedAnswer, VersionReader } from "../../src/app/progress-cache";
import { rebuildPlanProgress, rollUpUnits } from "../../src/rollup/rollup.service";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * The dashboard's answer cache (src/app/progress-cache.ts) against the real server: a repeated
 * roll-up read is answered without running its resolvers, a roll-up commit makes the next read
 * fresh, answers stay per viewer, and nothing else is cached.
 */
const METRICS_TOKEN = "metrics-token-0123456789";

describe("dashboard answer cache", () => {
  let app: TestApp;
  let tree: Tree;
  let planId: number;
  let communeOfficer: string;
  const deps = () => ({ ds: app.db.ds, clock: app.clock, timeZone: app.db.config.timeZone });
  const PROVINCE = `query($p: ID!, $u: ID!) { unitProgress(planId: $p, unitId: $u) {
    criteriaMet xaCount tasks { assignmentsTotal assignmentsDone } children { unit { name } tasks { assignmentsTotal } }
  } }`;
  const vars = () => ({ p: toGlobalId("Plan", planId), u: toGlobalId("Unit", tree.province.id) });

  beforeAll(async () => {
    app = await startTestApp({
      now: new Date("2022-10-01T03:00:00Z"),
      configure: (c) => ({ ...c, ops: { ...c.ops, metricsToken: METRICS_TOKEN, metricsAllow: [] } }),
    });
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 0, "Đệm");
    const plan = await makePlan(ds, { scope: tree.province });
    planId = plan.id;
    const office = await makeOrg(ds, { unit: tree.province });
    const commune = await makeOrg(ds, { unit: tree.communes[0][0] });
    const task = await makeTask(ds, { plan, lead: commune, dueDate: "2022-11-30" });
    await makeAssignment(ds, { task, org: commune, assigner: office });
    communeOfficer = await app.tokenFor(await makeUser(ds, { org: commune, roles: [Role.COMMUNE_OFFICER] }));
    await rebuildPlanProgress(deps(), planId);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function statements(run: () => Promise<unknown>): Promise<string[]> {
    app.db.sql.reset();
    await run();
    return [...app.db.sql.statements];
  }

  it("answers a repeated roll-up read from memory: the version only (the viewer is in the session cache)", async () => {
    const first = await app.gql(PROVINCE, vars());
    expect(first.errors).toBeUndefined();
    let again: Awaited<ReturnType<TestApp["gql"]>> | null = null;
    const sql = await statements(async () => {
      again = await app.gql(PROVINCE, vars());
    });
    expect(again!.raw).toBe(first.raw);
    // The viewer was checked by the first request and is reused (AUTH_CACHE_SECONDS, test clock).
    expect(sql).toHaveLength(1);
    expect(sql[0]).toContain("FROM progress_plan");
  });

  it("answers a typed error, not a 500, when the request names an operation the document lacks", async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${communeOfficer}` },
      body: JSON.stringify({
        query: `query Real ${PROVINCE.slice("query".length)}`,
        variables: vars(),
        operationName: "Missing",
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe("OPERATION_RESOLUTION_FAILURE");
    expect(JSON.stringify(body)).not.toMatch(/TypeError|at .*\.ts/);
  });

  it("answers a hit as Apollo answered it: same body, status and headers, logged and timed as its operation", async () => {
    const query = `query CachedDrill${PROVINCE.slice("query".length)}`;
    const post = () =>
      fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${communeOfficer}` },
        body: JSON.stringify({ query, variables: vars() }),
      });
    const first = await post();
    const firstText = await first.text();
    const sql = await statements(async () => {
      const again = await post();
      expect(again.status).toBe(first.status);
      expect(again.headers.get("content-type")).toBe(first.headers.get("content-type"));
      expect(again.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(await again.text()).toBe(firstText);
    });
    expect(sql).toHaveLength(1);
    const metrics = await (
      await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(
      /ntm_graphql_operation_duration_seconds_count\{operation="CachedDrill",type="query"\} 2/,
    );
  });

  it("answers concurrent requests from memory with the version statement only (VersionReader shares it, below)", async () => {
    await app.gql(PROVINCE, vars());
    let answers: string[] = [];
    const sql = await statements(async () => {
      answers = (await Promise.all(Array.from({ length: 16 }, () => app.gql(PROVINCE, vars())))).map(
        (r) => r.raw,
      );
    });
    expect(new Set(answers).size).toBe(1);
    // How many reads the 16 share depends on their timing; that they share is VersionReader's test.
    const versionReads = sql.filter((q) => q.includes("FROM progress_plan")).length;
    expect(versionReads).toBeGreaterThanOrEqual(1);
    expect(versionReads).toBeLessThanOrEqual(16);
    expect(sql.filter((q) => !q.includes("FROM progress_plan"))).toEqual([]);
  });

  it("serves nothing to a session that ended, even one whose answer is cached", async () => {
    const org = await makeOrg(app.db.ds, { unit: tree.province });
    const token = await app.tokenFor(
      await makeUser(app.db.ds, { org, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    const first = await app.gqlAs(token, PROVINCE, vars());
    expect(first.errors).toBeUndefined();
    expect((await app.gqlAs(token, PROVINCE, vars())).raw).toBe(first.raw);
    expect((await app.gqlAs(token, "mutation { logout { sessionsEnded } }")).errors).toBeUndefined();
    const after = await app.gqlAs(token, PROVINCE, vars());
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(after.data?.unitProgress ?? null).toBeNull();
  });

  it("shows a roll-up's result on the next read", async () => {
    const before = await app.gql<{ unitProgress: { tasks: { assignmentsDone: number } } }>(PROVINCE, vars());
    expect(before.data!.unitProgress.tasks.assignmentsDone).toBe(0);
    await app.db.ds.query("UPDATE assignment SET status = 'approved', completed_on = '2022-09-30'");
    // Not yet rolled up: the figures are those of the rolled-up tables, cached or not.
    expect((await app.gql(PROVINCE, vars())).raw).toBe(before.raw);
    await rollUpUnits(deps(), [tree.communes[0][0].id]);
    const after = await app.gql<{ unitProgress: { tasks: { assignmentsDone: number } } }>(PROVINCE, vars());
    expect(after.data!.unitProgress.tasks.assignmentsDone).toBe(1);
  });

  it("keeps answers per viewer: a commune officer does not get the administrator's task figures", async () => {
    const admin = await app.gql<{ unitProgress: { tasks: unknown } }>(PROVINCE, vars());
    expect(admin.data!.unitProgress.tasks).not.toBeNull();
    const officer = await app.gqlAs<{ unitProgress: { tasks: unknown } }>(communeOfficer, PROVINCE, vars());
    expect(officer.errors).toBeUndefined();
    expect(officer.data!.unitProgress.tasks).toBeNull();
  });

  it("runs every other operation, and an operation that failed, as usual", async () => {
    const mixed = `query($p: ID!) { planProgress(planId: $p) { scope { xaCount } } }`;
    await app.gql(mixed, { p: toGlobalId("Plan", planId) });
    const sql = await statements(() => app.gql(mixed, { p: toGlobalId("Plan", planId) }));
    expect(sql.some((s) => s.includes("progress_unit"))).toBe(true);

    const missing = { p: toGlobalId("Plan", planId), u: toGlobalId("Unit", 999_999) };
    expect((await app.gql(PROVINCE, missing)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const sql2 = await statements(() => app.gql(PROVINCE, missing));
    expect(sql2.some((s) => s.includes("progress_unit"))).toBe(true);
  });

  it("refuses an anonymous caller before any cached answer", async () => {
    const r = await app.gqlAs(null, PROVINCE, vars());
    expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(r.data?.unitProgress ?? null).toBeNull();
  });
});

const answer = (body: string): CachedAnswer => ({ body, headers: [], operation: null, viewerId: 1 });

describe("AnswerCache", () => {
  it("drops the least recently used entry and expired ones", () => {
    let now = 0;
    const cache = new AnswerCache(2, 1000, () => now);
    cache.set("a", answer("a"));
    cache.set("b", answer("b"));
    expect(cache.get("a")?.body).toBe("a");
    cache.set("c", answer("c"));
    expect(cache.get("b")).toBeNull();
    expect(cache.get("a")?.body).toBe("a");
    now = 1000;
    expect(cache.get("a")).toBeNull();
    expect(cache.size).toBe(1);
    expect(cache.sizeBytes).toBe(2);
  });

  it("keeps its answers within its byte budget, and never one larger than the budget", () => {
    const cache = new AnswerCache(100, 1000, () => 0, 20);
    cache.set("a", answer("aaaa")); // 8 bytes
    cache.set("b", answer("bbbb"));
    cache.set("c", answer("cccc")); // 24 > 20: the oldest goes
    expect(cache.get("a")).toBeNull();
    expect(cache.sizeBytes).toBe(16);
    cache.set("huge", answer("x".repeat(11)));
    expect(cache.get("huge")).toBeNull();
    expect([cache.get("b")?.body, cache.get("c")?.body]).toEqual(["bbbb", "cccc"]);
    cache.set("b", answer("b")); // replacing counts the new size only
    expect(cache.sizeBytes).toBe(10);
  });
});

describe("VersionReader", () => {
  it("never hands a caller a read that started before it asked, and shares the next one", async () => {
    const reads: Array<(v: string) => void> = [];
    const reader = new VersionReader(() => new Promise<string>((resolve) => reads.push(resolve)));
    const a = reader.current();
    expect(reads).toHaveLength(1);
    // b and c asked while read 1 ran: they share read 2, which starts once read 1 is done.
    const b = reader.current();
    const c = reader.current();
    expect(reads).toHaveLength(1);
    reads[0]("v1");
    expect(await a).toBe("v1");
    await new Promise((r) => setImmediate(r));
    expect(reads).toHaveLength(2);
    reads[1]("v2");
    expect([await b, await c]).toEqual(["v2", "v2"]);
    // Nothing running: a new caller starts a read of its own.
    const d = reader.current();
    expect(reads).toHaveLength(3);
    reads[2]("v3");
    expect(await d).toBe("v3");
  });

  it("a failed read fails its callers only; the next caller reads again", async () => {
    let n = 0;
    const reader = new VersionReader(async () => {
      n += 1;
      if (n === 1) throw new Error("down");
      return `v${n}`;
    });
    await expect(reader.current()).rejects.toThrow("down");
    expect(await reader.current()).toBe("v2");
  });
});
