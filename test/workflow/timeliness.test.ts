import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import type { TaskGroup } from "../../src/plans/task-group.entity";
import { seedCalendar, VN_CALENDAR } from "../../src/seed/calendar-vn";
import { localDate } from "../../src/shared/clock";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { TaskCooperator, type Task } from "../../src/tasks/task.entity";
import { Assignment } from "../../src/workflow/assignment.entity";
import type { AssignmentStatus } from "../../src/workflow/assignment.states";
import { Timeliness, timelinessOf } from "../../src/workflow/timeliness";
import {
  makeAssignment,
  makeGroup,
  makeOrg,
  makePlan,
  makeTask,
  makeTree,
  makeUser,
  type Tree,
} from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

type OrgKey = "d0" | "d0dept" | "c00" | "c01" | "d1" | "c10";
interface Spec {
  org: OrgKey;
  status: string;
  due: string | null;
  completedOn?: string;
  /** Cooperating on the task of an earlier spec (by index). */
  on?: number;
  plan?: "B";
  grouped?: boolean;
  /** The class on Friday 24/1/2025, the last working day before Tết Ất Tỵ (25/1–2/2). */
  expect: Timeliness | null;
}

const T = Timeliness;
const SPECS: Spec[] = [
  /* 0 */ { org: "d0", status: "accepted", due: "2025-01-23", grouped: true, expect: T.OVERDUE },
  /* 1 */ { org: "d0", status: "in_progress", due: "2025-01-24", grouped: true, expect: T.DUE_SOON },
  /* 2 */ { org: "d0", status: "assigned", due: "2025-01-27", grouped: true, expect: T.DUE_SOON }, // a Tết day off
  // 12 calendar days away, but only 3 working days (3, 4 and 5 February).
  /* 3 */ { org: "d0", status: "in_progress", due: "2025-02-05", expect: T.DUE_SOON },
  /* 4 */ { org: "d0", status: "rework", due: "2025-02-06", expect: T.IN_TERM },
  /* 5 */ {
    org: "d0",
    status: "approved",
    due: "2025-01-20",
    completedOn: "2025-01-20",
    expect: T.DONE_ON_TIME,
  },
  /* 6 */ {
    org: "d0",
    status: "approved",
    due: "2025-01-10",
    completedOn: "2025-01-15",
    expect: T.DONE_LATE,
  },
  /* 7 */ { org: "d0", status: "accepted", due: null, expect: T.NO_DEADLINE },
  /* 8 */ { org: "d0", status: "cancelled", due: "2025-01-01", expect: null },
  /* 9 */ { org: "d0dept", status: "paused", due: "2025-01-02", expect: T.OVERDUE },
  /* 10 */ { org: "d0dept", on: 1, status: "accepted", due: "2025-01-24", expect: T.DUE_SOON },
  /* 11 */ { org: "c00", status: "accepted", due: "2025-01-31", expect: T.DUE_SOON },
  /* 12 */ { org: "c01", status: "approved", due: null, completedOn: "2025-01-02", expect: T.DONE_ON_TIME },
  /* 13 */ {
    org: "c01",
    on: 11,
    status: "approved",
    due: "2025-01-21",
    completedOn: "2025-01-22",
    expect: T.DONE_LATE,
  },
  /* 14 */ { org: "d1", status: "accepted", due: "2025-03-31", expect: T.IN_TERM },
  /* 15 */ { org: "c10", status: "reported", due: "2025-02-03", expect: T.DUE_SOON },
  /* 16 */ { org: "d1", status: "returned", due: "2025-01-22", expect: T.OVERDUE },
  /* 17 */ { org: "d0", plan: "B", status: "accepted", due: "2025-02-04", grouped: true, expect: T.DUE_SOON },
];

interface Counts {
  inTerm: number;
  dueSoon: number;
  overdue: number;
  doneOnTime: number;
  doneLate: number;
  noDeadline: number;
  total: number;
}
interface Group extends Counts {
  organization: { id: string } | null;
  unit: { id: string } | null;
}
const FIELD: Record<Timeliness, keyof Counts> = {
  [T.IN_TERM]: "inTerm",
  [T.DUE_SOON]: "dueSoon",
  [T.OVERDUE]: "overdue",
  [T.DONE_ON_TIME]: "doneOnTime",
  [T.DONE_LATE]: "doneLate",
  [T.NO_DEADLINE]: "noDeadline",
};
const zero = (): Counts => ({
  inTerm: 0,
  dueSoon: 0,
  overdue: 0,
  doneOnTime: 0,
  doneLate: 0,
  noDeadline: 0,
  total: 0,
});
const COUNTS = "inTerm dueSoon overdue doneOnTime doneLate noDeadline total";
const QUERY = `query($filter: TimelinessFilter, $groupBy: TimelinessGroupBy) {
  timelinessCounts(filter: $filter, groupBy: $groupBy) { organization { id } unit { id } ${COUNTS} } }`;

interface Row {
  id: number;
  orgId: number;
  unitId: number;
  unitPath: string;
  role: string;
  status: AssignmentStatus;
  dueDate: string | null;
  completedOn: string | null;
  planId: number;
  groupId: number | null;
}

describe("timeliness counts for coordinators", () => {
  let app: TestApp;
  let tree: Tree;
  const orgs = {} as Record<OrgKey, Organization>;
  let planA: Plan;
  let planB: Plan;
  let group: TaskGroup;
  const tokens: Record<string, string> = {};
  let coordinator: User;
  const calendar = new Map(VN_CALENDAR.map((d) => [d.date, d.kind]));

  beforeAll(async () => {
    // 10:00 on Friday 24 January 2025 in Việt Nam.
    app = await startTestApp({ now: new Date("2025-01-24T03:00:00Z") });
    const ds = app.db.ds;
    await seedCalendar(ds);
    tree = await makeTree(ds, 2, 2, 0, "Hạn");
    const office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    orgs.d0 = await makeOrg(ds, { unit: tree.districts[0] });
    orgs.d0dept = await makeOrg(ds, {
      unit: tree.districts[0],
      name: "Phòng Nông nghiệp",
      kind: OrganizationKind.OFFICE,
    });
    orgs.c00 = await makeOrg(ds, { unit: tree.communes[0][0] });
    orgs.c01 = await makeOrg(ds, { unit: tree.communes[0][1] });
    orgs.d1 = await makeOrg(ds, { unit: tree.districts[1] });
    orgs.c10 = await makeOrg(ds, { unit: tree.communes[1][0] });
    planA = await makePlan(ds, { scope: tree.province });
    planB = await makePlan(ds, { scope: tree.province });
    group = await makeGroup(ds, planA, 1, "Nhóm hạn");
    const unitOf = (k: OrgKey) =>
      [
        tree.districts[0],
        tree.districts[0],
        tree.communes[0][0],
        tree.communes[0][1],
        tree.districts[1],
        tree.communes[1][0],
      ][["d0", "d0dept", "c00", "c01", "d1", "c10"].indexOf(k)];
    const tasks: Task[] = [];
    for (const s of SPECS) {
      const org = orgs[s.org];
      let task: Task;
      if (s.on === undefined) {
        const plan = s.plan === "B" ? planB : planA;
        task = await makeTask(ds, {
          plan,
          group: s.grouped && plan === planA ? group : null,
          lead: org,
          units: [unitOf(s.org)],
          dueDate: s.due,
        });
      } else {
        task = tasks[s.on];
        await ds.getRepository(TaskCooperator).insert({ taskId: task.id, orgId: org.id });
      }
      tasks.push(task);
      const a = await makeAssignment(ds, {
        task,
        org,
        assigner: office,
        role: s.on === undefined ? "lead" : "cooperating",
        status: s.status,
      });
      await ds.getRepository(Assignment).update(a.id, { dueDate: s.due, completedOn: s.completedOn ?? null });
    }
    coordinator = await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] });
    tokens.coordinator = await app.tokenFor(coordinator);
    tokens.district = await app.tokenFor(
      await makeUser(ds, { org: orgs.d0, roles: [Role.DISTRICT_OFFICER] }),
    );
    tokens.otherDistrict = await app.tokenFor(
      await makeUser(ds, { org: orgs.d1, roles: [Role.DISTRICT_OFFICER] }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  async function counts(
    token: string,
    filter: Record<string, unknown> | null,
    groupBy: string,
  ): Promise<Group[]> {
    const r = await app.gqlAs<{ timelinessCounts: Group[] }>(token, QUERY, { filter, groupBy });
    expect(r.errors).toBeUndefined();
    return r.data!.timelinessCounts;
  }
  async function rows(): Promise<Row[]> {
    const raw: Array<Record<string, string | number | null>> = await app.db.ds.query(
      `SELECT a.id, a.org_id, o.unit_id, u.path, a.role, a.status, t.plan_id, t.group_id,
              DATE_FORMAT(a.due_date, '%Y-%m-%d') due, DATE_FORMAT(a.completed_on, '%Y-%m-%d') done
         FROM assignment a JOIN task t ON t.id = a.task_id
         JOIN organization o ON o.id = a.org_id JOIN admin_unit u ON u.id = o.unit_id ORDER BY a.id`,
    );
    return raw.map((r) => ({
      id: Number(r.id),
      orgId: Number(r.org_id),
      unitId: Number(r.unit_id),
      unitPath: String(r.path),
      role: String(r.role),
      status: r.status as AssignmentStatus,
      dueDate: r.due === null ? null : String(r.due),
      completedOn: r.done === null ? null : String(r.done),
      planId: Number(r.plan_id),
      groupId: r.group_id === null ? null : Number(r.group_id),
    }));
  }
  /** The counts timelinessOf gives for the same rows on the clock's day, per key. */
  function expected(of: Row[], key: (r: Row) => string): Map<string, Counts> {
    const today = localDate(app.clock.now(), "Asia/Ho_Chi_Minh");
    const out = new Map<string, Counts>();
    for (const r of of) {
      const cls = timelinessOf(r, today, calendar);
      if (cls === null) continue;
      const c = out.get(key(r)) ?? zero();
      c[FIELD[cls]] += 1;
      c.total += 1;
      out.set(key(r), c);
    }
    return out;
  }
  const only = (gs: Group[]): Counts => {
    expect(gs).toHaveLength(1);
    const { organization, unit, ...c } = gs[0];
    expect([organization, unit]).toEqual([null, null]);
    return c;
  };
  const byOrg = (gs: Group[]) => new Map(gs.map(({ organization, unit: _u, ...c }) => [organization!.id, c]));
  const byUnit = (gs: Group[]) => new Map(gs.map(({ organization: _o, unit, ...c }) => [unit!.id, c]));
  const orgKey = (r: Row) => toGlobalId("Organization", r.orgId);
  const unitKey = (r: Row) => toGlobalId("Unit", r.unitId);

  it("classes work by working days: a deadline after Tết is due soon from the Friday before it", async () => {
    const all = await rows();
    const today = localDate(app.clock.now(), "Asia/Ho_Chi_Minh");
    expect(today).toBe("2025-01-24");
    expect(all.map((r) => timelinessOf(r, today, calendar))).toEqual(SPECS.map((s) => s.expect));
    // Counted by calendar days, 5 February would be 12 days away and in term.
    expect(
      only(
        await counts(
          tokens.coordinator,
          { organizationId: toGlobalId("Organization", orgs.d0.id), planId: toGlobalId("Plan", planA.id) },
          "NONE",
        ),
      ),
    ).toEqual({
      inTerm: 1,
      dueSoon: 3,
      overdue: 1,
      doneOnTime: 1,
      doneLate: 1,
      noDeadline: 1,
      total: 8,
    });
    expect(only(await counts(tokens.coordinator, null, "NONE"))).toEqual(
      expected(all, () => "all").get("all"),
    );
  });

  it("tells done on time from done late by the completion date", async () => {
    const c = only(
      await counts(tokens.coordinator, { organizationId: toGlobalId("Organization", orgs.c01.id) }, "NONE"),
    );
    // Approved with no deadline counts as on time; approved the day after its deadline, late.
    expect(c).toEqual({ ...zero(), doneOnTime: 1, doneLate: 1, total: 2 });
  });

  it("grouped by organization and by unit, equals timelinessOf over the same rows", async () => {
    const all = await rows();
    const orgGroups = await counts(tokens.coordinator, null, "ORGANIZATION");
    expect(byOrg(orgGroups)).toEqual(expected(all, orgKey));
    // Each organization's group names its unit too.
    for (const g of orgGroups) {
      const r = all.find((x) => toGlobalId("Organization", x.orgId) === g.organization!.id)!;
      expect(g.unit!.id).toBe(toGlobalId("Unit", r.unitId));
    }
    const unitGroups = await counts(tokens.coordinator, null, "UNIT");
    expect(byUnit(unitGroups)).toEqual(expected(all, unitKey));
    expect(unitGroups.every((g) => g.organization === null)).toBe(true);
    // The district's People's Committee and its office share a unit: one group for both.
    expect(byUnit(unitGroups).get(toGlobalId("Unit", tree.districts[0].id))!.total).toBe(
      [...expected(all, orgKey).entries()]
        .filter(
          ([k]) =>
            k === toGlobalId("Organization", orgs.d0.id) || k === toGlobalId("Organization", orgs.d0dept.id),
        )
        .reduce((a, [, c]) => a + c.total, 0),
    );
  });

  it("filters by plan, group, unit subtree, organization and role", async () => {
    const all = await rows();
    const total = (of: Row[]) => expected(of, () => "x").get("x") ?? zero();
    const cases: Array<[Record<string, unknown>, (r: Row) => boolean]> = [
      [{ planId: toGlobalId("Plan", planB.id) }, (r) => r.planId === planB.id],
      [{ groupId: toGlobalId("TaskGroup", group.id) }, (r) => r.groupId === group.id],
      [
        { unitId: toGlobalId("Unit", tree.districts[0].id) },
        (r) => r.unitPath.startsWith(tree.districts[0].path),
      ],
      [{ unitId: toGlobalId("Unit", tree.communes[0][1].id) }, (r) => r.unitId === tree.communes[0][1].id],
      [{ organizationId: toGlobalId("Organization", orgs.d0dept.id) }, (r) => r.orgId === orgs.d0dept.id],
      [{ role: "LEAD" }, (r) => r.role === "lead"],
      [{ role: "COOPERATING" }, (r) => r.role === "cooperating"],
      [
        { role: "COOPERATING", unitId: toGlobalId("Unit", tree.districts[0].id) },
        (r) => r.role === "cooperating" && r.unitPath.startsWith(tree.districts[0].path),
      ],
    ];
    for (const [filter, keep] of cases) {
      expect([filter, only(await counts(tokens.coordinator, filter, "NONE"))]).toEqual([
        filter,
        total(all.filter(keep)),
      ]);
    }
    const bad = await app.gqlAs(tokens.coordinator, QUERY, {
      filter: { planId: toGlobalId("Unit", 1) },
      groupBy: "NONE",
    });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("shows a district officer only its subtree's counts", async () => {
    const all = await rows();
    const mine = all.filter((r) => r.unitPath.startsWith(tree.districts[0].path));
    const groups = await counts(tokens.district, null, "ORGANIZATION");
    expect(byOrg(groups)).toEqual(expected(mine, orgKey));
    expect([...byOrg(groups).keys()].sort()).toEqual(
      [orgs.d0, orgs.d0dept, orgs.c00, orgs.c01].map((o) => toGlobalId("Organization", o.id)).sort(),
    );
    // Asking for the other district's unit or organization finds nothing.
    expect(
      only(await counts(tokens.district, { unitId: toGlobalId("Unit", tree.districts[1].id) }, "NONE")),
    ).toEqual(zero());
    expect(
      await counts(tokens.district, { organizationId: toGlobalId("Organization", orgs.d1.id) }, "UNIT"),
    ).toEqual([]);
    const theirs = all.filter((r) => r.unitPath.startsWith(tree.districts[1].path));
    expect(only(await counts(tokens.otherDistrict, null, "NONE"))).toEqual(
      expected(theirs, () => "x").get("x"),
    );
  });

  it("runs a fixed number of statements whatever the number of rows", async () => {
    const run = async (groupBy: string, fields: string) => {
      // The viewer is reused from the API's session cache (AUTH_CACHE_SECONDS) right after a request
      // of the same token: warm it, so that the count is the query's own.
      expect((await app.gqlAs(tokens.coordinator, "{ __typename }")).errors).toBeUndefined();
      app.db.sql.reset();
      const r = await app.gqlAs(
        tokens.coordinator,
        `query($g: TimelinessGroupBy) { timelinessCounts(groupBy: $g) { ${fields} } }`,
        { g: groupBy },
      );
      expect(r.errors).toBeUndefined();
      return app.db.sql.count;
    };
    // The calendar and the aggregate; then one statement per relation level that reads MariaDB
    // (organizations; the units come from the in-memory unit directory).
    expect(await run("NONE", "total")).toBe(2);
    expect(await run("ORGANIZATION", "total organization { name } unit { name }")).toBe(3);
  });

  it("follows the clock: after Tết, the same deadlines are classed again", async () => {
    app.clock.set(new Date("2025-02-03T02:00:00Z")); // Monday 3 February, the first working day after Tết
    try {
      tokens.coordinator = await app.tokenFor(coordinator); // the old token expired with the move
      const all = await rows();
      const groups = await counts(tokens.coordinator, null, "ORGANIZATION");
      expect(byOrg(groups)).toEqual(expected(all, orgKey));
      const d0 = only(
        await counts(
          tokens.coordinator,
          { organizationId: toGlobalId("Organization", orgs.d0.id), planId: toGlobalId("Plan", planA.id) },
          "NONE",
        ),
      );
      // 23/1, 24/1 and 27/1 are now overdue; 5/2 and 6/2 are due soon.
      expect(d0).toMatchObject({ overdue: 3, dueSoon: 2, inTerm: 0 });
    } finally {
      app.clock.set(new Date("2025-01-24T03:00:00Z"));
      tokens.coordinator = await app.tokenFor(coordinator);
    }
  });
});
