import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Task } from "../../src/tasks/task.entity";
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

type UE = Array<{ code: string; field: string[]; message: string }>;
const DELEGATE = `mutation($input: DelegateTaskInput!) { delegateTask(input: $input) {
  tasks { id code quota dueDate leadOrganization { id } assignments { id role status organization { id } version } }
  userErrors { code field message } } }`;
const TRANSITION = `mutation($input: TransitionAssignmentInput!) { transitionAssignment(input: $input) {
  assignment { id status version task { status } } userErrors { code field message } } }`;

describe("delegation and the life of an assignment", () => {
  let app: TestApp;
  let tree: Tree;
  let office: Organization;
  let districtPcs: Organization[];
  let communePcs: Organization[];
  let root: Task;
  const tokens: Record<string, string> = {};

  const counts = async () =>
    (
      await app.db.ds.query(
        "SELECT (SELECT COUNT(*) FROM task) t, (SELECT COUNT(*) FROM assignment) a, (SELECT COUNT(*) FROM assignment_event) e, (SELECT COUNT(*) FROM audit_entry) au, (SELECT SUM(version) FROM task) v",
      )
    )[0];

  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T02:00:00Z") });
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Giao");
    const ubndTinh = await makeOrg(ds, { unit: tree.province, name: "UBND tỉnh" });
    office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    districtPcs = [
      await makeOrg(ds, { unit: tree.districts[0] }),
      await makeOrg(ds, { unit: tree.districts[1] }),
    ];
    communePcs = [
      await makeOrg(ds, { unit: tree.communes[0][0] }),
      await makeOrg(ds, { unit: tree.communes[0][1] }),
    ];
    const plan = await makePlan(ds, { scope: tree.province });
    root = await makeTask(ds, {
      plan,
      lead: office,
      code: "G3",
      quota: "60",
      quotaUnit: "thôn",
      dueDate: "2022-12-31",
    });
    await makeAssignment(ds, { task: root, org: office, assigner: ubndTinh });
    tokens.coordinator = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    tokens.district = await app.tokenFor(
      await makeUser(ds, { org: districtPcs[0], roles: [Role.DISTRICT_OFFICER] }),
    );
    tokens.otherDistrict = await app.tokenFor(
      await makeUser(ds, { org: districtPcs[1], roles: [Role.DISTRICT_OFFICER] }),
    );
    tokens.commune = await app.tokenFor(
      await makeUser(ds, { org: communePcs[0], roles: [Role.COMMUNE_OFFICER] }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const delegate = (token: string, input: Record<string, unknown>) =>
    app.gqlAs<{
      delegateTask: {
        tasks: Array<
          Record<string, unknown> & {
            id: string;
            assignments: Array<{ id: string; version: number; status: string; role: string }>;
          }
        >;
        userErrors: UE;
      };
    }>(token, DELEGATE, { input });
  const transition = (token: string, input: Record<string, unknown>) =>
    app.gqlAs<{
      transitionAssignment: {
        assignment: { id: string; status: string; version: number; task: { status: string } } | null;
        userErrors: UE;
      };
    }>(token, TRANSITION, { input });
  const rootVersion = async () =>
    Number((await app.db.ds.query("SELECT version FROM task WHERE id = ?", [root.id]))[0].version);

  it("refuses quotas over the parent's, and writes nothing", async () => {
    const before = await counts();
    const r = await delegate(tokens.coordinator, {
      taskId: toGlobalId("Task", root.id),
      version: await rootVersion(),
      subtasks: [
        { leadOrganizationId: toGlobalId("Organization", districtPcs[0].id), quota: "40" },
        { leadOrganizationId: toGlobalId("Organization", districtPcs[1].id), quota: "20.5" },
      ],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.delegateTask.userErrors).toEqual([
      {
        code: "QUOTA_EXCEEDED",
        field: ["input", "subtasks"],
        message: "The sub-tasks' quotas add up to 60.5, more than the task's 60",
      },
    ]);
    expect(await counts()).toEqual(before);
  });

  it("refuses assignments that skip a level or leave the branch", async () => {
    const before = await counts();
    const skip = await delegate(tokens.coordinator, {
      taskId: toGlobalId("Task", root.id),
      version: await rootVersion(),
      subtasks: [{ leadOrganizationId: toGlobalId("Organization", communePcs[0].id), quota: "1" }],
    });
    expect(skip.data!.delegateTask.userErrors.map((e) => [e.code, e.field])).toEqual([
      ["FORBIDDEN", ["input", "subtasks", "0", "leadOrganizationId"]],
    ]);
    const past = await delegate(tokens.coordinator, {
      taskId: toGlobalId("Task", root.id),
      version: await rootVersion(),
      subtasks: [
        { leadOrganizationId: toGlobalId("Organization", districtPcs[0].id), dueDate: "2022-02-01" },
      ],
    });
    expect(past.data!.delegateTask.userErrors.map((e) => e.code)).toEqual(["BAD_USER_INPUT"]);
    const late = await delegate(tokens.coordinator, {
      taskId: toGlobalId("Task", root.id),
      version: await rootVersion(),
      subtasks: [
        { leadOrganizationId: toGlobalId("Organization", districtPcs[0].id), dueDate: "2023-01-15" },
      ],
    });
    expect(late.data!.delegateTask.userErrors[0].message).toMatch(
      /must not be after the task's own \(2022-12-31\)/,
    );
    const notMine = await delegate(tokens.district, {
      taskId: toGlobalId("Task", root.id),
      version: await rootVersion(),
      subtasks: [{ leadOrganizationId: toGlobalId("Organization", communePcs[0].id) }],
    });
    expect(notMine.data!.delegateTask.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]); // the root is outside the district's scope
    expect(await counts()).toEqual(before);
  });

  it("splits the target among districts, then a district among its communes; the chain of assignments follows", async () => {
    const r = await delegate(tokens.coordinator, {
      taskId: toGlobalId("Task", root.id),
      version: await rootVersion(),
      subtasks: [
        {
          leadOrganizationId: toGlobalId("Organization", districtPcs[0].id),
          quota: "35",
          dueDate: "2022-11-30",
        },
        {
          leadOrganizationId: toGlobalId("Organization", districtPcs[1].id),
          quota: "25",
          cooperatingOrganizationIds: [toGlobalId("Organization", districtPcs[0].id)],
        },
      ],
    });
    expect(r.data!.delegateTask.userErrors).toEqual([]);
    const [d1, d2] = r.data!.delegateTask.tasks;
    expect(d1).toMatchObject({ code: "G3.1", quota: "35", dueDate: "2022-11-30" });
    expect(d2).toMatchObject({ code: "G3.2", quota: "25", dueDate: "2022-12-31" });
    expect(d2.assignments.map((a) => [a.role, a.status])).toEqual([
      ["LEAD", "ASSIGNED"],
      ["COOPERATING", "ASSIGNED"],
    ]);

    // The district accepts, then splits its 35 among its communes: 36 is refused, 35 passes.
    const lead = d1.assignments[0];
    const accepted = await transition(tokens.district, {
      assignmentId: lead.id,
      action: "ACCEPT",
      version: lead.version,
    });
    expect(accepted.data!.transitionAssignment.assignment).toMatchObject({
      status: "ACCEPTED",
      task: { status: "ACCEPTED" },
    });
    const d1Version = Number(
      (await app.db.ds.query("SELECT version FROM task WHERE code = 'G3.1'"))[0].version,
    );
    const over = await delegate(tokens.district, {
      taskId: d1.id,
      version: d1Version,
      subtasks: [
        { leadOrganizationId: toGlobalId("Organization", communePcs[0].id), quota: "20" },
        { leadOrganizationId: toGlobalId("Organization", communePcs[1].id), quota: "16" },
      ],
    });
    expect(over.data!.delegateTask.userErrors.map((e) => e.code)).toEqual(["QUOTA_EXCEEDED"]);
    const ok = await delegate(tokens.district, {
      taskId: d1.id,
      version: d1Version,
      subtasks: [
        { leadOrganizationId: toGlobalId("Organization", communePcs[0].id), quota: "20" },
        { leadOrganizationId: toGlobalId("Organization", communePcs[1].id), quota: "15" },
      ],
    });
    expect(ok.data!.delegateTask.userErrors).toEqual([]);
    expect(ok.data!.delegateTask.tasks.map((t) => t.code)).toEqual(["G3.1.1", "G3.1.2"]);
    // The other district cannot see, let alone delegate, the first district's task.
    const foreign = await delegate(tokens.otherDistrict, {
      taskId: d1.id,
      version: d1Version + 1,
      subtasks: [{ leadOrganizationId: toGlobalId("Organization", communePcs[0].id) }],
    });
    expect(foreign.data!.delegateTask.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });

  it("walks the state machine; illegal transitions, wrong sides, missing reasons and stale versions change nothing", async () => {
    const [row] = await app.db.ds.query(
      "SELECT a.id, a.version FROM assignment a JOIN task t ON t.id = a.task_id WHERE t.code = 'G3.1.1' AND a.role = 'lead'",
    );
    const id = toGlobalId("Assignment", row.id);
    const state = async () =>
      (await app.db.ds.query("SELECT status, version FROM assignment WHERE id = ?", [row.id]))[0];
    const before = await state();
    const codes = async (token: string, input: Record<string, unknown>) =>
      (await transition(token, { assignmentId: id, ...input })).data!.transitionAssignment.userErrors.map(
        (e) => e.code,
      );

    expect(await codes(tokens.commune, { action: "APPROVE", version: 1 })).toEqual(["ILLEGAL_TRANSITION"]);
    expect(await codes(tokens.district, { action: "ACCEPT", version: 1 })).toEqual(["FORBIDDEN"]); // the assigner may not accept for the commune
    expect(await codes(tokens.commune, { action: "RETURN", version: 1 })).toEqual(["BAD_USER_INPUT"]); // a reason is required
    expect(await codes(tokens.commune, { action: "ACCEPT", version: 7 })).toEqual(["CONFLICT"]);
    expect(await codes(tokens.otherDistrict, { action: "PAUSE", version: 1, reason: "x" })).toEqual([
      "NOT_FOUND",
    ]);
    expect(await state()).toEqual(before);

    const steps: Array<[string, string, string | undefined, string]> = [
      ["commune", "ACCEPT", undefined, "ACCEPTED"],
      ["commune", "START", undefined, "IN_PROGRESS"],
      ["district", "PAUSE", "Chờ vốn", "PAUSED"],
      ["district", "RESUME", undefined, "IN_PROGRESS"],
    ];
    let version = Number(before.version);
    for (const [who, action, reason, expected] of steps) {
      const r = await transition(tokens[who], { assignmentId: id, action, version, reason });
      expect([action, r.data!.transitionAssignment.userErrors]).toEqual([action, []]);
      expect(r.data!.transitionAssignment.assignment!.status).toBe(expected);
      version = r.data!.transitionAssignment.assignment!.version;
    }
    const history = await app.gql<{
      node: {
        history: Array<{
          action: string;
          fromStatus: string | null;
          toStatus: string;
          comment: string | null;
        }>;
      };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Assignment { history { action fromStatus toStatus comment } } } }`,
      { id },
    );
    expect(history.data!.node.history.map((h) => [h.action, h.toStatus])).toEqual([
      ["assign", "ASSIGNED"],
      ["accept", "ACCEPTED"],
      ["start", "IN_PROGRESS"],
      ["pause", "PAUSED"],
      ["resume", "IN_PROGRESS"],
    ]);
    expect(history.data!.node.history[3].comment).toBe("Chờ vốn");
  });
});

describe("assigning a whole plan group at once", () => {
  let app: TestApp;
  let token: string;
  let groupId: string;
  let districts: Organization[];
  let communeOrg: Organization;
  beforeAll(async () => {
    app = await startTestApp({ now: new Date("2022-03-01T02:00:00Z") });
    const ds = app.db.ds;
    const tree = await makeTree(ds, 3, 1, 0, "Nhóm");
    const ubnd = await makeOrg(ds, { unit: tree.province, name: "UBND tỉnh" });
    const office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    districts = [];
    for (const d of tree.districts) districts.push(await makeOrg(ds, { unit: d }));
    communeOrg = await makeOrg(ds, { unit: tree.communes[0][0] });
    const plan = await makePlan(ds, { scope: tree.province });
    const group = await makeGroup(ds, plan, 3, "Xây dựng thôn NTM");
    groupId = toGlobalId("TaskGroup", group.id);
    for (const code of ["A", "B"]) {
      const t = await makeTask(ds, { plan, group, lead: office, code, dueDate: "2022-12-31" });
      await makeAssignment(ds, { task: t, org: office, assigner: ubnd });
    }
    token = await app.tokenFor(await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }));
  });
  afterAll(async () => {
    await app.close();
  });
  const ASSIGN = `mutation($i: AssignTaskGroupInput!) { assignTaskGroup(input: $i) { tasks { code leadOrganization { id } } userErrors { code field } } }`;
  const count = async () => Number((await app.db.ds.query("SELECT COUNT(*) AS n FROM task"))[0].n);

  it("is atomic: one organization the coordinator may not assign to refuses the whole group", async () => {
    const before = await count();
    const r = await app.gqlAs<{
      assignTaskGroup: { tasks: unknown[]; userErrors: Array<{ code: string; field: string[] }> };
    }>(token, ASSIGN, {
      i: {
        groupId,
        organizationIds: [
          ...districts.map((d) => toGlobalId("Organization", d.id)),
          toGlobalId("Organization", communeOrg.id),
        ],
      },
    });
    expect(r.data!.assignTaskGroup.tasks).toEqual([]);
    expect(r.data!.assignTaskGroup.userErrors).toEqual([
      { code: "FORBIDDEN", field: ["input", "organizationIds"] },
    ]);
    expect(await count()).toBe(before);
  });

  it("gives every task of the group to every district in one mutation", async () => {
    const r = await app.gqlAs<{ assignTaskGroup: { tasks: Array<{ code: string }>; userErrors: unknown[] } }>(
      token,
      ASSIGN,
      {
        i: { groupId, organizationIds: districts.map((d) => toGlobalId("Organization", d.id)) },
      },
    );
    expect(r.data!.assignTaskGroup.userErrors).toEqual([]);
    expect(r.data!.assignTaskGroup.tasks.map((t) => t.code)).toEqual([
      "A.1",
      "A.2",
      "A.3",
      "B.1",
      "B.2",
      "B.3",
    ]);
    // Each new assignment's reminders are re-derived once the group committed.
    const [{ ids }] = await app.db.ds.query(
      "SELECT GROUP_CONCAT(a.id) AS ids FROM assignment a JOIN task t ON t.id = a.task_id WHERE t.parent_id IS NOT NULL",
    );
    const created = new Set(String(ids).split(",").map(Number));
    const jobs = await app.server.reminderQueue.getJobs([
      "waiting",
      "delayed",
      "prioritized",
      "active",
      "completed",
    ]);
    const scheduled = new Set(jobs.map((j) => (j.data as { assignmentId?: number }).assignmentId));
    expect(created.size).toBe(6);
    expect([...created].every((id) => scheduled.has(id))).toBe(true);
  });
});
