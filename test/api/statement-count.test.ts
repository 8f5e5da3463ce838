import { toGlobalId } from "../../src/shared/ids";
import { makeGroup, makeOrg, makePlan, makeTask, makeTree, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * Per-request DataLoaders: a request runs at most 1 + (relation fields it selects) statements,
 * and the count does not grow with the page size. Every authenticated request adds one statement
 * of its own: loading the viewer (user, roles, organization, unit and session in one SELECT).
 * Counted with the caches off (every request misses them, the worst case); with them on, the
 * viewer and the units cost no statement at all (test/units/unit-directory.test.ts).
 */
const AUTH = 1;
describe("SQL statements per request", () => {
  let app: TestApp;
  let tree: Tree;

  beforeAll(async () => {
    app = await startTestApp({
      configure: (c) => ({ ...c, caches: { authSeconds: 0, unitSeconds: 0, unitMaxRows: 0 } }),
    });
    const ds = app.db.ds;
    tree = await makeTree(ds, 3, 4, 3, "Đếm");
    for (const d of tree.districts) await makeOrg(ds, { unit: d });
    for (const cs of tree.communes) for (const c of cs) await makeOrg(ds, { unit: c });
    const office = await makeOrg(ds, { unit: tree.province, name: "Văn phòng Điều phối" });
    const plan = await makePlan(ds, { scope: tree.province });
    const group = await makeGroup(ds, plan, 1, "Nhóm 1");
    for (let i = 0; i < 60; i++) {
      await makeTask(ds, {
        plan,
        group,
        lead: office,
        dueDate: `2022-${String((i % 12) + 1).padStart(2, "0")}-15`,
        cooperating: [await makeOrg(ds, { unit: tree.districts[i % 3] })],
        units: [tree.communes[i % 3][i % 4]],
      });
    }
  });
  afterAll(async () => {
    await app.close();
  });

  async function count(query: string, variables: Record<string, unknown>): Promise<number> {
    app.db.sql.reset();
    const r = await app.gql(query, variables);
    expect(r.errors).toBeUndefined();
    return app.db.sql.count;
  }

  it("a deep unit query: 1 + 4 relation levels, whatever the page size", async () => {
    const q = `query($first: Int!, $w: ID!) { units(first: $first, filter: { withinId: $w, level: COMMUNE }) {
      totalCount nodes { name organizations { name unit { name parent { name ancestors { name } } } } }
    } }`;
    const small = await count(q, { first: 2, w: toGlobalId("Unit", tree.province.id) });
    const large = await count(q, { first: 12, w: toGlobalId("Unit", tree.province.id) });
    // units (with its count) + organizations + unit + parent + ancestors
    expect(small).toBeLessThanOrEqual(AUTH + 5);
    expect(large).toBe(small);
  });

  it("a tree walk from the province down to the villages", async () => {
    const q = `query($id: ID!) { unit(id: $id) { children { children { children { name parent { name } } } } } }`;
    // unit + 3 levels of children + parent
    expect(await count(q, { id: toGlobalId("Unit", tree.province.id) })).toBeLessThanOrEqual(AUTH + 5);
  });

  it("a portal's task list: relations of every task in a fixed number of statements", async () => {
    const q = `query($first: Int!) { tasks(first: $first) {
      totalCount edges { cursor node {
        code plan { number scopeUnit { name } } group { title }
        leadOrganization { name unit { name } } cooperatingOrganizations { name unit { name } } units { name parent { name } }
      } }
    } }`;
    const small = await count(q, { first: 5 });
    const large = await count(q, { first: 60 });
    // tasks + plan + scopeUnit + group + leadOrganization + cooperatingOrganizations + units + unit(s) + parent
    expect(small).toBeLessThanOrEqual(AUTH + 9);
    expect(large).toBe(small);
  });

  it("a plan with its targets, quotas, groups and roadmap", async () => {
    const q = `{ plans(first: 10) { nodes { number targets { code quotas { unit { name } } } taskGroups { ord } roadmap { unit { name } } fundingAllocations { source } } } }`;
    // plans + targets + quotas + unit + groups + roadmap + unit + funding
    expect(await count(q, {})).toBeLessThanOrEqual(AUTH + 8);
  });
});
