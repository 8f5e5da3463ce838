import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import type { TaskGroup } from "../../src/plans/task-group.entity";
import { toGlobalId } from "../../src/shared/ids";
import type { Task } from "../../src/tasks/task.entity";
import { TaskStatus } from "../../src/tasks/task.enums";
import { makeGroup, makeOrg, makePlan, makeTask, makeTree, type Tree } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

type Conn = {
  totalCount: number;
  edges: Array<{ cursor: string; node: { code: string; dueDate: string | null } }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    endCursor: string | null;
    startCursor: string | null;
  };
};

const LIST = `query($first: Int, $after: String, $filter: TaskFilter, $orderBy: TaskSort) {
  tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { code dueDate } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe("tasks: filters, order, pagination", () => {
  let app: TestApp;
  let tree: Tree;
  let plan: Plan;
  let otherPlan: Plan;
  let groups: TaskGroup[];
  let office: Organization;
  let districtOrgs: Organization[];
  const tasks: Record<string, Task> = {};

  const codes = async (filter: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const r = await app.gql<{ tasks: Conn }>(LIST, { first: 100, filter, ...extra });
    expect(r.errors).toBeUndefined();
    return r.data!.tasks.edges.map((e) => e.node.code);
  };

  beforeAll(async () => {
    // "Today" in Asia/Ho_Chi_Minh is 2022-06-15 (10:00 local).
    app = await startTestApp({ now: new Date("2022-06-15T03:00:00Z") });
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Nhiệm");
    office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    districtOrgs = [
      await makeOrg(ds, { unit: tree.districts[0] }),
      await makeOrg(ds, { unit: tree.districts[1] }),
    ];
    const communeOrg = await makeOrg(ds, { unit: tree.communes[1][0] });
    plan = await makePlan(ds, { scope: tree.province });
    otherPlan = await makePlan(ds, { scope: tree.province, year: 2023, issuedOn: "2023-02-01" });
    groups = [await makeGroup(ds, plan, 1, "Nhóm 1"), await makeGroup(ds, plan, 2, "Nhóm 2")];
    const mk = async (code: string, extra: Parameters<typeof makeTask>[1]) => {
      tasks[code] = await makeTask(ds, { code, ...extra });
    };
    await mk("A", {
      plan,
      group: groups[0],
      lead: office,
      dueDate: "2022-06-10",
      cooperating: [districtOrgs[0]],
      units: [tree.districts[0]],
    });
    await mk("B", {
      plan,
      group: groups[0],
      lead: office,
      dueDate: "2022-06-20",
      cooperating: [districtOrgs[1]],
      units: [tree.districts[1]],
    });
    await mk("C", {
      plan,
      group: groups[1],
      lead: districtOrgs[0],
      dueDate: "2022-06-14",
      status: TaskStatus.DONE,
    });
    await mk("D", { plan, group: groups[1], lead: districtOrgs[1], dueDate: null });
    await mk("E", {
      plan,
      group: groups[1],
      lead: office,
      dueDate: "2022-06-15",
      units: [tree.communes[1][0]],
    });
    await mk("F", {
      plan,
      parent: tasks.E,
      lead: communeOrg,
      dueDate: "2022-06-01",
      status: TaskStatus.CANCELLED,
    });
    await mk("G", {
      plan,
      parent: tasks.E,
      lead: communeOrg,
      dueDate: "2022-06-12",
      status: TaskStatus.IN_PROGRESS,
    });
    await mk("Z", { plan: otherPlan, lead: office, dueDate: "2023-01-01" });
  });
  afterAll(async () => {
    await app.close();
  });

  it("sorts by due date, least time left first, undated last; ties by creation", async () => {
    expect(await codes({ planId: toGlobalId("Plan", plan.id) })).toEqual(["F", "A", "G", "C", "E", "B", "D"]);
    expect(await codes({ planId: toGlobalId("Plan", plan.id) }, { orderBy: "DUE_DATE_DESC" })).toEqual([
      "B",
      "E",
      "C",
      "G",
      "A",
      "F",
      "D",
    ]);
    expect(await codes({ planId: toGlobalId("Plan", plan.id) }, { orderBy: "CODE_ASC" })).toEqual([
      "A",
      "B",
      "C",
      "D",
      "E",
      "F",
      "G",
    ]);
  });

  it("filters by plan, group, parent and root", async () => {
    expect(await codes({ groupId: toGlobalId("TaskGroup", groups[0].id) })).toEqual(["A", "B"]);
    expect(await codes({ parentId: toGlobalId("Task", tasks.E.id) })).toEqual(["F", "G"]);
    expect(await codes({ planId: toGlobalId("Plan", plan.id), rootOnly: true })).toEqual([
      "A",
      "C",
      "E",
      "B",
      "D",
    ]);
    expect(await codes({ planId: toGlobalId("Plan", otherPlan.id) })).toEqual(["Z"]);
  });

  it("filters by organization and its role", async () => {
    const org = toGlobalId("Organization", districtOrgs[0].id);
    expect(await codes({ organizationId: org })).toEqual(["A", "C"]);
    expect(await codes({ organizationId: org, organizationRole: "LEAD" })).toEqual(["C"]);
    expect(await codes({ organizationId: org, organizationRole: "COOPERATING" })).toEqual(["A"]);
  });

  it("filters by unit subtree: concerned units and the lead's unit", async () => {
    // District 2: B concerns it, D is led by its committee, E concerns one of its communes, F and G are led by that commune.
    expect(await codes({ unitId: toGlobalId("Unit", tree.districts[1].id) })).toEqual([
      "F",
      "G",
      "E",
      "B",
      "D",
    ]);
    expect(await codes({ unitId: toGlobalId("Unit", tree.communes[1][0].id) })).toEqual(["F", "G", "E"]);
  });

  it("filters by status and due-date range (inclusive)", async () => {
    expect(await codes({ statuses: ["DONE", "CANCELLED"] })).toEqual(["F", "C"]);
    expect(
      await codes({ planId: toGlobalId("Plan", plan.id), dueFrom: "2022-06-12", dueTo: "2022-06-15" }),
    ).toEqual(["G", "C", "E"]);
  });

  it("finds overdue work by the local date in Asia/Ho_Chi_Minh", async () => {
    const p = toGlobalId("Plan", plan.id);
    // Due before 2022-06-15 and not done or cancelled: A (06-10) and G (06-12). E is due today: not overdue.
    expect(await codes({ planId: p, overdue: true })).toEqual(["A", "G"]);
    expect(await codes({ planId: p, overdue: false })).toEqual(["F", "C", "E", "B", "D"]);
    // 2022-06-15T17:30Z is already 2022-06-16 00:30 in Vietnam: E becomes overdue.
    app.clock.set(new Date("2022-06-15T17:30:00Z"));
    try {
      expect(await codes({ planId: p, overdue: true })).toEqual(["A", "G", "E"]);
      const r = await app.gql<{ task: { isOverdue: boolean } }>(
        `query($id: ID!) { task(id: $id) { isOverdue } }`,
        {
          id: toGlobalId("Task", tasks.E.id),
        },
      );
      expect(r.data!.task.isOverdue).toBe(true);
    } finally {
      app.clock.set(new Date("2022-06-15T03:00:00Z"));
    }
  });

  it("pages with cursors to the last page, then an empty one", async () => {
    const filter = { planId: toGlobalId("Plan", plan.id) };
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: { data?: { tasks: Conn } | null } = await app.gql<{ tasks: Conn }>(LIST, {
        first: 3,
        after,
        filter,
      });
      const conn: Conn = r.data!.tasks;
      pages += 1;
      expect(conn.totalCount).toBe(7);
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...conn.edges.map((e) => e.node.code));
      if (!conn.pageInfo.hasNextPage) {
        expect(conn.edges).toHaveLength(1);
        after = conn.pageInfo.endCursor;
        break;
      }
      expect(conn.edges).toHaveLength(3);
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(["F", "A", "G", "C", "E", "B", "D"]);
    // After the last item: an empty page that still knows the total.
    const empty = await app.gql<{ tasks: Conn }>(LIST, { first: 3, after, filter });
    expect(empty.data!.tasks).toEqual({
      totalCount: 7,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it("answers an empty result as an empty page", async () => {
    const r = await app.gql<{ tasks: Conn }>(LIST, { first: 10, filter: { statuses: ["PAUSED"] } });
    expect(r.data!.tasks).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("resolves the task's relations", async () => {
    const r = await app.gql<{ task: Record<string, unknown> }>(
      `query($id: ID!) { task(id: $id) {
        code plan { number } group { ord title } parent { code } children { code }
        leadOrganization { name } cooperatingOrganizations { id } units { id } target { code } isOverdue
      } }`,
      { id: toGlobalId("Task", tasks.A.id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.task).toEqual({
      code: "A",
      plan: { number: plan.number },
      group: { ord: 1, title: "Nhóm 1" },
      parent: null,
      children: [],
      leadOrganization: { name: "Văn phòng Điều phối" },
      cooperatingOrganizations: [{ id: toGlobalId("Organization", districtOrgs[0].id) }],
      units: [{ id: toGlobalId("Unit", tree.districts[0].id) }],
      target: null,
      isOverdue: true,
    });
    const e = await app.gql<{ task: { children: Array<{ code: string; parent: { code: string } }> } }>(
      `query($id: ID!) { task(id: $id) { children { code parent { code } } } }`,
      { id: toGlobalId("Task", tasks.E.id) },
    );
    expect(e.data!.task.children).toEqual([
      { code: "F", parent: { code: "E" } },
      { code: "G", parent: { code: "E" } },
    ]);
  });
});
