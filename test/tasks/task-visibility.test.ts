import type { DataSource } from "typeorm";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import { canReadTask } from "../../src/tasks/task.policy";
import type { Task } from "../../src/tasks/task.entity";
import { CLOSED_STATUSES, TaskStatus } from "../../src/tasks/task.enums";
import { makeOrg, makePlan, makeTask, makeTree, makeUnit, type Tree } from "../factories";
import { createTestDb, type TestDb } from "../helpers/db";
import type { Organization } from "../../src/organizations/organization.entity";
import { UnitType } from "../../src/units/unit.enums";

/**
 * task_visibility is kept by triggers (migration TaskVisibility). After every kind of change to
 * the tables the read scope depends on, its rows must equal what the read policy says, computed
 * here from the base tables with `canReadTask` (src/tasks/task.policy.ts), and a from-scratch
 * `CALL task_visibility_rebuild()` must give the same rows.
 */
describe("task_visibility, kept by the database", () => {
  let db: TestDb;
  let ds: DataSource;
  let tree: Tree;
  let office: Organization;
  let department: Organization;
  let districtPcs: Organization[];
  let communePcs: Organization[];
  const t: Record<string, Task> = {};

  beforeAll(async () => {
    db = await createTestDb();
    ds = db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Hiển thị");
    office = await makeOrg(ds, { unit: tree.province, name: "Văn phòng Điều phối" });
    department = await makeOrg(ds, { unit: tree.province, name: "Sở Nông nghiệp" });
    districtPcs = await Promise.all(tree.districts.map((d) => makeOrg(ds, { unit: d })));
    communePcs = [
      await makeOrg(ds, { unit: tree.communes[0][0] }),
      await makeOrg(ds, { unit: tree.communes[0][1] }),
      await makeOrg(ds, { unit: tree.communes[1][0] }),
    ];
    const plan = await makePlan(ds, { scope: tree.province });
    t.root = await makeTask(ds, {
      plan,
      lead: office,
      cooperating: [department, districtPcs[1]],
      units: [tree.province],
      dueDate: "2022-09-30",
    });
    t.child = await makeTask(ds, { plan, parent: t.root, lead: districtPcs[0], units: [tree.districts[0]] });
    t.grandchild = await makeTask(ds, {
      plan,
      parent: t.child,
      lead: communePcs[0],
      units: [tree.villages[0][0][0]],
      dueDate: "2022-08-01",
      status: TaskStatus.DONE,
    });
    t.other = await makeTask(ds, { plan, lead: districtPcs[1], dueDate: "2022-07-01" });
    t.orphan = await makeTask(ds, { plan, dueDate: null }); // no lead, unit or cooperator: the administrator's only
  });
  afterAll(async () => {
    await db.drop();
  });

  type Row = {
    kind: string;
    scope_id: number;
    task_id: number;
    due_asc: string;
    due_desc: string;
    running: number;
  };
  const key = (r: Row) =>
    `${r.kind}:${r.scope_id}:${r.task_id}:${r.due_asc}:${r.due_desc}:${Number(r.running)}`;

  const actual = async (): Promise<string[]> =>
    (
      (await ds.query(
        `SELECT kind, scope_id, task_id, DATE_FORMAT(due_asc, '%Y-%m-%d') AS due_asc,
                DATE_FORMAT(due_desc, '%Y-%m-%d') AS due_desc, running FROM task_visibility`,
      )) as Row[]
    )
      .map(key)
      .sort();

  /** The rows the read policy implies, from the base tables. */
  const expected = async (): Promise<string[]> => {
    const tasks = (await ds.query(
      "SELECT id, parent_id, lead_org_id, status, DATE_FORMAT(due_date, '%Y-%m-%d') AS due FROM task",
    )) as Array<{
      id: number;
      parent_id: number | null;
      lead_org_id: number | null;
      status: TaskStatus;
      due: string | null;
    }>;
    const units = (await ds.query("SELECT id, path FROM admin_unit")) as Array<{ id: number; path: string }>;
    const orgs = (await ds.query(
      "SELECT o.id, u.path FROM organization o JOIN admin_unit u ON u.id = o.unit_id",
    )) as Array<{ id: number; path: string }>;
    const taskUnits = (await ds.query(
      "SELECT tu.task_id, u.path FROM task_unit tu JOIN admin_unit u ON u.id = tu.unit_id",
    )) as Array<{ task_id: number; path: string }>;
    const coops = (await ds.query("SELECT task_id, org_id FROM task_cooperator")) as Array<{
      task_id: number;
      org_id: number;
    }>;
    const byId = new Map(tasks.map((x) => [x.id, x]));
    const orgPath = new Map(orgs.map((o) => [o.id, o.path]));
    const ownOrgs = (id: number) => [
      ...(byId.get(id)!.lead_org_id !== null ? [byId.get(id)!.lead_org_id!] : []),
      ...coops.filter((c) => c.task_id === id).map((c) => c.org_id),
    ];
    const viewer = (roles: Role[], unitPath: string, orgId: number): Viewer => ({
      userId: 1,
      email: "x@y.vn",
      orgId,
      orgKind: "x",
      unitId: 0,
      unitPath,
      unitLevel: "district",
      roles: new Set(roles),
      sessionId: null,
    });
    const rows: string[] = [];
    for (const task of tasks) {
      const facts = {
        touchedUnitPaths: [
          ...taskUnits.filter((x) => x.task_id === task.id).map((x) => x.path),
          ...ownOrgs(task.id).map((o) => orgPath.get(o)!),
        ],
        involvedOrgIds: [] as number[],
      };
      for (let a: number | null = task.id; a !== null; a = byId.get(a)!.parent_id)
        facts.involvedOrgIds.push(...ownOrgs(a));
      const cols = `${task.id}:${task.due ?? "9999-12-31"}:${task.due ?? "1000-01-01"}:${CLOSED_STATUSES.includes(task.status) ? 0 : 1}`;
      rows.push(`all:0:${cols}`);
      for (const u of units)
        if (canReadTask(viewer([Role.DISTRICT_OFFICER], u.path, 0), facts)) rows.push(`unit:${u.id}:${cols}`);
      for (const o of orgs)
        if (canReadTask(viewer([Role.DEPARTMENT_OFFICER], "/", o.id), facts))
          rows.push(`org:${o.id}:${cols}`);
    }
    return rows.sort();
  };

  const check = async () => {
    const want = await expected();
    expect(await actual()).toEqual(want);
    await ds.query("CALL task_visibility_rebuild()");
    expect(await actual()).toEqual(want);
  };

  it("holds the policy's rows for tasks as the factories write them", async () => {
    await check();
    // Spot checks of the policy itself: the department reads the root's whole subtree.
    const deptTasks = (await ds.query(
      "SELECT task_id FROM task_visibility WHERE kind = 'org' AND scope_id = ? ORDER BY task_id",
      [department.id],
    )) as Array<{ task_id: number }>;
    expect(deptTasks.map((r) => Number(r.task_id))).toEqual([t.root.id, t.child.id, t.grandchild.id]);
  });

  it("follows cooperators added and removed above existing sub-tasks", async () => {
    const added = communePcs[2];
    await ds.query("INSERT INTO task_cooperator (task_id, org_id) VALUES (?, ?)", [t.root.id, added.id]);
    await check();
    await ds.query("DELETE FROM task_cooperator WHERE task_id = ? AND org_id = ?", [
      t.root.id,
      department.id,
    ]);
    await check();
    await ds.query("UPDATE task_cooperator SET task_id = ? WHERE task_id = ? AND org_id = ?", [
      t.other.id,
      t.root.id,
      added.id,
    ]);
    await check();
  });

  it("follows units added, moved and removed", async () => {
    await ds.query("INSERT INTO task_unit (task_id, unit_id) VALUES (?, ?)", [
      t.other.id,
      tree.communes[1][1].id,
    ]);
    await check();
    await ds.query("UPDATE task_unit SET unit_id = ? WHERE task_id = ? AND unit_id = ?", [
      tree.villages[1][1][0].id,
      t.other.id,
      tree.communes[1][1].id,
    ]);
    await check();
    await ds.query("DELETE FROM task_unit WHERE task_id = ?", [t.child.id]);
    await check();
  });

  it("follows a change of lead down the delegation chain", async () => {
    await ds.query("UPDATE task SET lead_org_id = ? WHERE id = ?", [communePcs[1].id, t.child.id]);
    await check();
    await ds.query("UPDATE task SET lead_org_id = NULL WHERE id = ?", [t.other.id]);
    await check();
  });

  it("keeps the sort keys and the running flag with every status and due date", async () => {
    for (const status of Object.values(TaskStatus)) {
      await ds.query("UPDATE task SET status = ? WHERE id = ?", [status, t.root.id]);
      await check();
    }
    await ds.query("UPDATE task SET due_date = NULL WHERE id = ?", [t.grandchild.id]);
    await ds.query("UPDATE task SET due_date = '2022-12-31' WHERE id = ?", [t.orphan.id]);
    await check();
  });

  it("follows organizations and units that move in the tree", async () => {
    await ds.query("UPDATE organization SET unit_id = ? WHERE id = ?", [
      tree.districts[1].id,
      communePcs[0].id,
    ]);
    await check();
    // A commune (and its village) moves to the other district.
    const commune = tree.communes[0][1];
    const village = tree.villages[0][1][0];
    await ds.query("UPDATE admin_unit SET parent_id = ?, path = ? WHERE id = ?", [
      tree.districts[1].id,
      `${tree.districts[1].path}${commune.id}/`,
      commune.id,
    ]);
    await ds.query("UPDATE admin_unit SET path = ? WHERE id = ?", [
      `${tree.districts[1].path}${commune.id}/${village.id}/`,
      village.id,
    ]);
    await check();
    // A unit created later (path written after the insert, as the factories and the seed do).
    await makeUnit(ds, { name: "Xã mới", type: UnitType.XA, parent: tree.districts[0] });
    await check();
  });

  it("drops the rows of a deleted task", async () => {
    await ds.query("DELETE FROM task WHERE id = ?", [t.grandchild.id]);
    expect(
      Number(
        (await ds.query("SELECT COUNT(*) AS n FROM task_visibility WHERE task_id = ?", [t.grandchild.id]))[0]
          .n,
      ),
    ).toBe(0);
    await check();
  });
});
