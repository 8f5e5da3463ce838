import { AnswerCache } from "../../src/app/progress-cache";
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
    app = await startTestApp({ now: new Date("2022-10-01T03:00:00Z") });
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

describe("AnswerCache", () => {
  it("drops the least recently used entry and expired ones", () => {
    let now = 0;
    const cache = new AnswerCache(2, 1000, () => now);
    cache.set("a", { a: 1 });
    cache.set("b", { b: 1 });
    expect(cache.get("a")).toEqual({ a: 1 });
    cache.set("c", { c: 1 });
    expect(cache.get("b")).toBeNull();
    expect(cache.get("a")).toEqual({ a: 1 });
    now = 1000;
    expect(cache.get("a")).toBeNull();
    expect(cache.size).toBe(1);
  });
});
