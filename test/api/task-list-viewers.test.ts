import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import type { Task } from "../../src/tasks/task.entity";
import { CLOSED_STATUSES, TaskStatus } from "../../src/tasks/task.enums";
import { canReadTask } from "../../src/tasks/task.policy";
import type { Unit } from "../../src/units/unit.entity";
import { makeOrg, makePlan, makeTask, makeTree, makeUser, type Tree } from "../factories";
import { type GqlResult, startTestApp, type TestApp } from "../helpers/server";

const TODAY = "2022-06-15"; // in Asia/Ho_Chi_Minh at the test's clock

const LIST = `query($first: Int, $after: String, $filter: TaskFilter, $orderBy: TaskSort) {
  tasks(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;
type Page = {
  totalCount: number;
  edges: Array<{ cursor: string; node: { code: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
};

/** What the test knows of each task, written by the factories: the independent side of the comparison. */
interface Known {
  task: Task;
  plan: Plan;
  parent: Known | null;
  lead: Organization | null;
  cooperating: Organization[];
  units: Unit[];
}

/**
 * Every kind of viewer pages through its task list, a few tasks a page, in each order and with
 * the filters that change how the list is read (visibility rows alone, or joined to the task);
 * the pages must give exactly the tasks the read policy (canReadTask) lets it see, in the order
 * computed here from the factories' data, with the same totalCount on every page.
 */
describe("tasks: every kind of viewer, every order, page by page", () => {
  let app: TestApp;
  let tree: Tree;
  let plans: Plan[];
  const known: Known[] = [];
  const viewers: Array<{ name: string; user: User; viewer: Viewer; token: string }> = [];
  const orgUnit = new Map<number, Unit>();

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-06-15T03:00:00Z") });
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Danh sách");
    const org = async (unit: Unit, kind = OrganizationKind.PEOPLES_COMMITTEE) => {
      const o = await makeOrg(ds, { unit, kind });
      orgUnit.set(o.id, unit);
      return o;
    };
    const office = await org(tree.province, OrganizationKind.COORDINATION_OFFICE);
    const department = await org(tree.province, OrganizationKind.DEPARTMENT);
    const otherDepartment = await org(tree.province, OrganizationKind.DEPARTMENT);
    const districtPcs = [await org(tree.districts[0]), await org(tree.districts[1])];
    const communePcs = [
      await org(tree.communes[0][0]),
      await org(tree.communes[0][1]),
      await org(tree.communes[1][0]),
    ];
    plans = [
      await makePlan(ds, { scope: tree.province }),
      await makePlan(ds, { scope: tree.province, year: 2023 }),
    ];

    // Due dates with ties (several tasks a day), undated tasks, every status; delegated two levels down.
    const dues = [
      "2022-06-01",
      "2022-06-10",
      "2022-06-10",
      "2022-06-14",
      null,
      "2022-06-15",
      "2022-06-20",
      null,
    ];
    const statuses = Object.values(TaskStatus);
    let n = 0;
    const add = async (k: Omit<Known, "task">) => {
      n += 1;
      const task = await makeTask(ds, {
        plan: k.plan,
        parent: k.parent?.task ?? null,
        lead: k.lead,
        cooperating: k.cooperating,
        units: k.units,
        code: `K-${String(n).padStart(3, "0")}`,
        dueDate: dues[(n * 5) % dues.length],
        status: statuses[(n * 3) % statuses.length],
      });
      const entry = { ...k, task };
      known.push(entry);
      return entry;
    };
    for (let i = 0; i < 6; i++) {
      const root = await add({
        plan: plans[i % 2],
        parent: null,
        lead: office,
        cooperating: i % 3 === 0 ? [department, districtPcs[i % 2]] : i % 3 === 1 ? [otherDepartment] : [],
        units: i % 2 === 0 ? [tree.province] : [tree.districts[1]],
      });
      for (const d of [0, 1]) {
        const sub = await add({
          plan: root.plan,
          parent: root,
          lead: districtPcs[d],
          cooperating: [],
          units: [tree.districts[d]],
        });
        const communes = d === 0 ? [communePcs[0], communePcs[1]] : [communePcs[2]];
        for (const c of communes)
          await add({ plan: root.plan, parent: sub, lead: c, cooperating: [], units: [orgUnit.get(c.id)!] });
      }
    }
    await add({ plan: plans[0], parent: null, lead: null, cooperating: [], units: [] }); // the administrator's only
    await add({
      plan: plans[0],
      parent: null,
      lead: department,
      cooperating: [],
      units: [tree.villages[0][0][0]],
    });

    const who = async (name: string, o: Organization, roles: Role[]) => {
      const user = await makeUser(ds, { org: o, roles });
      const unit = orgUnit.get(o.id)!;
      viewers.push({
        name,
        user,
        token: await app.tokenFor(user),
        viewer: {
          userId: user.id,
          email: user.email,
          orgId: o.id,
          orgKind: o.kind,
          unitId: unit.id,
          unitPath: unit.path,
          unitLevel: unit.level as Viewer["unitLevel"],
          roles: new Set(roles),
          sessionId: null,
        },
      });
    };
    await who("provincial coordinator", office, [Role.PROVINCIAL_COORDINATOR]);
    await who("district officer", districtPcs[0], [Role.DISTRICT_OFFICER]);
    await who("district viewer", districtPcs[1], [Role.VIEWER]);
    await who("commune officer", communePcs[0], [Role.COMMUNE_OFFICER]);
    await who("department officer", department, [Role.DEPARTMENT_OFFICER]);
    await who("department viewer", otherDepartment, [Role.VIEWER]);
    const adminOrg = await makeOrg(ds, { unit: tree.province });
    orgUnit.set(adminOrg.id, tree.province);
    await who("system administrator", adminOrg, [Role.SYSTEM_ADMIN]);
  });
  afterAll(async () => {
    await app.close();
  });

  const factsOf = (k: Known) => {
    const involved: number[] = [];
    for (let a: Known | null = k; a; a = a.parent)
      involved.push(...(a.lead ? [a.lead.id] : []), ...a.cooperating.map((c) => c.id));
    const touched = [
      ...k.units,
      ...(k.lead ? [orgUnit.get(k.lead.id)!] : []),
      ...k.cooperating.map((c) => orgUnit.get(c.id)!),
    ];
    return { touchedUnitPaths: touched.map((u) => u.path), involvedOrgIds: involved };
  };
  const overdue = (k: Known) =>
    k.task.dueDate !== null && k.task.dueDate < TODAY && !CLOSED_STATUSES.includes(k.task.status);

  type Filter = { name: string; gql: Record<string, unknown>; keep: (k: Known) => boolean };
  const filters = (): Filter[] => [
    { name: "no filter", gql: {}, keep: () => true },
    { name: "overdue", gql: { overdue: true }, keep: overdue },
    { name: "not overdue", gql: { overdue: false }, keep: (k) => !overdue(k) },
    {
      name: "a district's subtree",
      gql: { unitId: toGlobalId("Unit", tree.districts[0].id) },
      keep: (k) => factsOf(k).touchedUnitPaths.some((p) => p.startsWith(tree.districts[0].path)),
    },
    {
      name: "overdue in a commune's subtree",
      gql: { overdue: true, unitId: toGlobalId("Unit", tree.communes[1][0].id) },
      keep: (k) =>
        overdue(k) && factsOf(k).touchedUnitPaths.some((p) => p.startsWith(tree.communes[1][0].path)),
    },
    {
      name: "one plan",
      gql: { planId: toGlobalId("Plan", plans[0].id) },
      keep: (k) => k.plan.id === plans[0].id,
    },
    {
      name: "sub-tasks of one task",
      gql: { parentId: toGlobalId("Task", known[1].task.id) },
      keep: (k) => k.parent?.task.id === known[1].task.id,
    },
    {
      name: "running statuses",
      gql: { statuses: ["ASSIGNED", "IN_PROGRESS"] },
      keep: (k) => [TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS].includes(k.task.status),
    },
  ];

  /** The order of TaskSort, computed here: due date (undated last either way) then id; or code then id. */
  const orders: Record<string, (a: Known, b: Known) => number> = {
    DUE_DATE_ASC: (a, b) =>
      (a.task.dueDate ?? "9999-12-31").localeCompare(b.task.dueDate ?? "9999-12-31") || a.task.id - b.task.id,
    DUE_DATE_DESC: (a, b) =>
      (b.task.dueDate ?? "1000-01-01").localeCompare(a.task.dueDate ?? "1000-01-01") || b.task.id - a.task.id,
    CODE_ASC: (a, b) => a.task.code.localeCompare(b.task.code) || a.task.id - b.task.id,
  };

  it("sees the tasks of its scope, in order, page after page", async () => {
    let compared = 0;
    for (const v of viewers) {
      const visible = known.filter((k) => canReadTask(v.viewer, factsOf(k)));
      for (const f of filters()) {
        for (const [orderBy, compare] of Object.entries(orders)) {
          const want = visible
            .filter(f.keep)
            .sort(compare)
            .map((k) => k.task.code);
          const got: string[] = [];
          let after: string | null = null;
          for (let pages = 0; pages < 50; pages++) {
            const r: GqlResult<{ tasks: Page }> = await app.gqlAs<{ tasks: Page }>(v.token, LIST, {
              first: 4,
              after,
              filter: f.gql,
              orderBy,
            });
            const where = `${v.name}, ${f.name}, ${orderBy}, page ${pages + 1}`;
            expect({ where, errors: r.errors }).toEqual({ where, errors: undefined });
            const page: Page = r.data!.tasks;
            expect({ where, totalCount: page.totalCount }).toEqual({ where, totalCount: want.length });
            expect({ where, hasPreviousPage: page.pageInfo.hasPreviousPage }).toEqual({
              where,
              hasPreviousPage: after !== null,
            });
            got.push(...page.edges.map((e) => e.node.code));
            expect({ where, hasNextPage: page.pageInfo.hasNextPage }).toEqual({
              where,
              hasNextPage: got.length < want.length,
            });
            if (!page.pageInfo.hasNextPage) break;
            after = page.pageInfo.endCursor;
          }
          expect({ viewer: v.name, filter: f.name, orderBy, codes: got }).toEqual({
            viewer: v.name,
            filter: f.name,
            orderBy,
            codes: want,
          });
          compared += want.length;
        }
      }
    }
    // The data gives every viewer something to page through.
    for (const v of viewers)
      expect(known.filter((k) => canReadTask(v.viewer, factsOf(k))).length).toBeGreaterThan(4);
    expect(compared).toBeGreaterThan(500);
  });
});
