import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Task } from "../../src/tasks/task.entity";
import type { Assignment } from "../../src/workflow/assignment.entity";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

type UE = Array<{ code: string; field: string[]; message: string }>;
interface Ext {
  id: string;
  status: string;
  currentDueDate: string | null;
  requestedDueDate: string;
  reason: string;
  decisionComment: string | null;
  decidedAt: string | null;
}
interface Payload {
  extension: Ext | null;
  assignment: { id: string; dueDate: string | null; version: number } | null;
  userErrors: UE;
}
const EXT = "id status currentDueDate requestedDueDate reason decisionComment decidedAt";
const REQUEST = `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) {
  extension { ${EXT} } assignment { id dueDate version } userErrors { code field message } } }`;
const DECIDE = `mutation($input: DecideExtensionInput!) { decideExtension(input: $input) {
  extension { ${EXT} } assignment { id dueDate version } userErrors { code field message } } }`;
const HISTORY = `query($id: ID!) { node(id: $id) { ... on Assignment { dueDate version
  dueDateHistory { oldDueDate newDueDate reason changedAt }
  extensions { status requestedDueDate decisionComment assignment { id } }
  history { action comment } } } }`;

describe("deadline extensions (gia hạn)", () => {
  let app: TestApp;
  let district: Organization;
  let otherDistrict: Organization;
  let department: Organization;
  let task: Task;
  let lead: Assignment;
  let coop: Assignment;
  let coopOtherDate: Assignment;
  let cancelled: Assignment;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // 18:30 UTC on 28 February is already 1 March in Asia/Ho_Chi_Minh.
    app = await startTestApp({ now: new Date("2022-02-28T18:30:00Z") });
    const ds = app.db.ds;
    const tree = await makeTree(ds, 2, 1, 0, "Gia hạn");
    const office = await makeOrg(ds, {
      unit: tree.province,
      name: "Văn phòng Điều phối",
      kind: OrganizationKind.COORDINATION_OFFICE,
    });
    department = await makeOrg(ds, {
      unit: tree.province,
      name: "Sở Nông nghiệp",
      kind: OrganizationKind.DEPARTMENT,
    });
    district = await makeOrg(ds, { unit: tree.districts[0] });
    otherDistrict = await makeOrg(ds, { unit: tree.districts[1] });
    const plan = await makePlan(ds, { scope: tree.province });
    task = await makeTask(ds, {
      plan,
      lead: district,
      cooperating: [otherDistrict, department],
      units: [tree.districts[0]],
      dueDate: "2022-06-30",
    });
    lead = await makeAssignment(ds, { task, org: district, assigner: office });
    coop = await makeAssignment(ds, { task, org: otherDistrict, assigner: office, role: "cooperating" });
    coopOtherDate = await makeAssignment(ds, {
      task,
      org: department,
      assigner: office,
      role: "cooperating",
    });
    await ds.query("UPDATE assignment SET due_date = '2022-05-31' WHERE id = ?", [coopOtherDate.id]);
    const stopped = await makeTask(ds, {
      plan,
      lead: district,
      units: [tree.districts[0]],
      dueDate: "2022-06-30",
    });
    cancelled = await makeAssignment(ds, {
      task: stopped,
      org: district,
      assigner: office,
      status: "cancelled",
    });

    tokens.coordinator = await app.tokenFor(
      await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    );
    tokens.district = await app.tokenFor(
      await makeUser(ds, { org: district, roles: [Role.DISTRICT_OFFICER] }),
    );
    tokens.otherDistrict = await app.tokenFor(
      await makeUser(ds, { org: otherDistrict, roles: [Role.DISTRICT_OFFICER] }),
    );
  });
  afterAll(async () => {
    await app.close();
  });

  const request = async (token: string, input: Record<string, unknown>) =>
    (await app.gqlAs<{ requestExtension: Payload }>(token, REQUEST, { input })).data!.requestExtension;
  const decide = async (token: string, input: Record<string, unknown>) =>
    (await app.gqlAs<{ decideExtension: Payload }>(token, DECIDE, { input })).data!.decideExtension;
  const version = async (a: Assignment) =>
    Number((await app.db.ds.query("SELECT version FROM assignment WHERE id = ?", [a.id]))[0].version);
  /** Everything the extension commands may write, read back from the database. */
  const world = async () => ({
    counts: (
      await app.db.ds.query(
        `SELECT (SELECT COUNT(*) FROM deadline_extension) x, (SELECT COUNT(*) FROM due_date_change) c,
                (SELECT COUNT(*) FROM assignment_event) e, (SELECT COUNT(*) FROM audit_entry) au`,
      )
    )[0],
    assignments: await app.db.ds.query(
      "SELECT id, status, version, DATE_FORMAT(due_date, '%Y-%m-%d') due FROM assignment ORDER BY id",
    ),
    tasks: await app.db.ds.query(
      "SELECT id, version, DATE_FORMAT(due_date, '%Y-%m-%d') due FROM task ORDER BY id",
    ),
    extensions: await app.db.ds.query(
      "SELECT id, status, decision_comment FROM deadline_extension ORDER BY id",
    ),
  });
  const gid = (a: Assignment) => toGlobalId("Assignment", a.id);

  it("refuses a past date, an earlier date, the wrong side, a stale version and cancelled work; nothing changes", async () => {
    const before = await world();
    const v = await version(lead);
    const ask = { assignmentId: gid(lead), version: v, reason: "Mưa lũ kéo dài, chưa thi công được" };
    const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
      // The UTC date is 28/2, but today in Việt Nam is 1/3: 28/2 is in the past.
      [
        "past date",
        tokens.district,
        { ...ask, requestedDueDate: "2022-02-28" },
        "BAD_USER_INPUT",
        /past date/,
      ],
      [
        "earlier date",
        tokens.district,
        { ...ask, requestedDueDate: "2022-06-15" },
        "BAD_USER_INPUT",
        /after the current deadline \(2022-06-30\)/,
      ],
      [
        "same date",
        tokens.district,
        { ...ask, requestedDueDate: "2022-06-30" },
        "BAD_USER_INPUT",
        /after the current deadline/,
      ],
      [
        "empty reason",
        tokens.district,
        { ...ask, requestedDueDate: "2022-08-31", reason: "  " },
        "BAD_USER_INPUT",
        /reason/,
      ],
      [
        "long reason",
        tokens.district,
        { ...ask, requestedDueDate: "2022-08-31", reason: "x".repeat(2001) },
        "BAD_USER_INPUT",
        /reason/,
      ],
      [
        "wrong side",
        tokens.coordinator,
        { ...ask, requestedDueDate: "2022-08-31" },
        "FORBIDDEN",
        /assigned organization/,
      ],
      [
        "a cooperator for the lead",
        tokens.otherDistrict,
        { ...ask, requestedDueDate: "2022-08-31" },
        "FORBIDDEN",
        /assigned organization/,
      ],
      [
        "stale version",
        tokens.district,
        { ...ask, requestedDueDate: "2022-08-31", version: v + 3 },
        "CONFLICT",
        /version is now/,
      ],
      [
        "cancelled",
        tokens.district,
        { ...ask, assignmentId: gid(cancelled), version: 1, requestedDueDate: "2022-08-31" },
        "ILLEGAL_TRANSITION",
        /cancelled/,
      ],
      [
        "not an assignment",
        tokens.district,
        { ...ask, assignmentId: toGlobalId("Task", task.id), requestedDueDate: "2022-08-31" },
        "BAD_USER_INPUT",
        /not a valid Assignment ID/,
      ],
    ];
    for (const [name, token, input, code, message] of cases) {
      const r = await request(token, input);
      expect([name, r.extension, r.userErrors.map((e) => e.code)]).toEqual([name, null, [code]]);
      expect([name, r.userErrors[0].message]).toEqual([name, expect.stringMatching(message)]);
    }
    expect(await world()).toEqual(before);
  });

  it("request → approve moves the lead's, the task's and the same-dated cooperator's deadlines, with their history", async () => {
    const asked = await request(tokens.district, {
      assignmentId: gid(lead),
      version: await version(lead),
      requestedDueDate: "2022-08-31",
      reason: "Mưa lũ kéo dài, chưa thi công được",
    });
    expect(asked.userErrors).toEqual([]);
    expect(asked.extension).toMatchObject({
      status: "PENDING",
      currentDueDate: "2022-06-30",
      requestedDueDate: "2022-08-31",
      decidedAt: null,
    });
    expect(asked.assignment).toMatchObject({ dueDate: "2022-06-30", version: 2 });

    // One pending request at a time; the assignee cannot decide its own; both change nothing.
    const before = await world();
    const again = await request(tokens.district, {
      assignmentId: gid(lead),
      version: 2,
      requestedDueDate: "2022-09-30",
      reason: "Thêm thời gian",
    });
    expect(again.userErrors.map((e) => e.code)).toEqual(["CONFLICT"]);
    const own = await decide(tokens.district, { extensionId: asked.extension!.id, decision: "APPROVE" });
    expect(own.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    const noComment = await decide(tokens.coordinator, {
      extensionId: asked.extension!.id,
      decision: "REJECT",
    });
    expect(noComment.userErrors.map((e) => [e.code, e.field])).toEqual([
      ["BAD_USER_INPUT", ["input", "comment"]],
    ]);
    expect(await world()).toEqual(before);

    const approved = await decide(tokens.coordinator, {
      extensionId: asked.extension!.id,
      decision: "APPROVE",
      comment: "Đồng ý",
    });
    expect(approved.userErrors).toEqual([]);
    expect(approved.extension).toMatchObject({
      status: "APPROVED",
      decisionComment: "Đồng ý",
      decidedAt: "2022-02-28T18:30:00.000Z",
    });
    expect(approved.assignment).toMatchObject({ dueDate: "2022-08-31", version: 3 });

    const after = await world();
    const due = (id: number) => after.assignments.find((a: { id: number }) => a.id === id).due;
    expect([due(lead.id), due(coop.id), due(coopOtherDate.id), due(cancelled.id)]).toEqual([
      "2022-08-31",
      "2022-08-31", // the cooperator shared the old deadline: it follows
      "2022-05-31", // a cooperator with a deadline of its own keeps it
      "2022-06-30",
    ]);
    expect(after.tasks.find((t: { id: number }) => t.id === task.id).due).toBe("2022-08-31");
    expect(after.counts.c - before.counts.c).toBe(2);

    // The history, through the API, for the assignee and for the cooperator.
    const leadView = await app.gqlAs<{
      node: {
        dueDate: string;
        dueDateHistory: Array<{ oldDueDate: string; newDueDate: string; reason: string }>;
        extensions: Array<{ status: string; requestedDueDate: string; assignment: { id: string } }>;
        history: Array<{ action: string; comment: string | null }>;
      };
    }>(tokens.district, HISTORY, { id: gid(lead) });
    expect(leadView.errors).toBeUndefined();
    expect(leadView.data!.node.dueDate).toBe("2022-08-31");
    expect(leadView.data!.node.dueDateHistory).toEqual([
      {
        oldDueDate: "2022-06-30",
        newDueDate: "2022-08-31",
        reason: "Mưa lũ kéo dài, chưa thi công được",
        changedAt: expect.any(String),
      },
    ]);
    expect(leadView.data!.node.extensions).toEqual([
      {
        status: "APPROVED",
        requestedDueDate: "2022-08-31",
        decisionComment: "Đồng ý",
        assignment: { id: gid(lead) },
      },
    ]);
    expect(leadView.data!.node.history.map((h) => h.action)).toEqual(["request_extension", "extend"]);
    const coopView = await app.gqlAs<{
      node: { dueDate: string; dueDateHistory: Array<{ oldDueDate: string; newDueDate: string }> };
    }>(tokens.otherDistrict, HISTORY, { id: gid(coop) });
    expect(coopView.data!.node).toMatchObject({
      dueDate: "2022-08-31",
      dueDateHistory: [{ oldDueDate: "2022-06-30", newDueDate: "2022-08-31" }],
    });

    // A decided request cannot be decided again.
    const twice = await decide(tokens.coordinator, {
      extensionId: asked.extension!.id,
      decision: "REJECT",
      comment: "Không",
    });
    expect(twice.userErrors.map((e) => e.code)).toEqual(["ILLEGAL_TRANSITION"]);
    expect(await world()).toEqual(after);

    const audit = await app.db.ds.query(
      "SELECT action FROM audit_entry WHERE object_type = 'DeadlineExtension' ORDER BY id",
    );
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      "extension.request",
      "extension.approve",
    ]);
  });

  it("reject records the comment and moves no deadline", async () => {
    const asked = await request(tokens.otherDistrict, {
      assignmentId: gid(coop),
      version: await version(coop),
      requestedDueDate: "2022-09-30",
      reason: "Chờ vốn đối ứng",
    });
    expect(asked.userErrors).toEqual([]);
    const changes = Number((await app.db.ds.query("SELECT COUNT(*) n FROM due_date_change"))[0].n);
    const rejected = await decide(tokens.coordinator, {
      extensionId: asked.extension!.id,
      decision: "REJECT",
      comment: "Không đủ căn cứ gia hạn",
    });
    expect(rejected.userErrors).toEqual([]);
    expect(rejected.extension).toMatchObject({
      status: "REJECTED",
      decisionComment: "Không đủ căn cứ gia hạn",
    });
    expect(rejected.assignment).toMatchObject({ dueDate: "2022-08-31" });
    expect(Number((await app.db.ds.query("SELECT COUNT(*) n FROM due_date_change"))[0].n)).toBe(changes);

    const view = await app.gqlAs<{
      node: { extensions: Array<{ status: string; decisionComment: string }> };
    }>(tokens.otherDistrict, HISTORY, { id: gid(coop) });
    expect(view.data!.node.extensions).toEqual([
      expect.objectContaining({ status: "REJECTED", decisionComment: "Không đủ căn cứ gia hạn" }),
    ]);
    // With the request decided, a new one may be made.
    const next = await request(tokens.otherDistrict, {
      assignmentId: gid(coop),
      version: await version(coop),
      requestedDueDate: "2022-09-15",
      reason: "Đã có vốn đối ứng, cần thêm hai tuần",
    });
    expect(next.userErrors).toEqual([]);
  });

  it("hides extensions of work outside the viewer's scope", async () => {
    const [row] = await app.db.ds.query("SELECT id FROM deadline_extension ORDER BY id LIMIT 1");
    const outsider = await makeUser(app.db.ds, {
      org: await makeOrg(app.db.ds, { unit: (await makeTree(app.db.ds, 1, 1, 0, "Ngoài")).districts[0] }),
      roles: [Role.DISTRICT_OFFICER],
    });
    const token = await app.tokenFor(outsider);
    const r = await decide(token, {
      extensionId: toGlobalId("DeadlineExtension", row.id),
      decision: "APPROVE",
    });
    expect(r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const node = await app.gqlAs<{ node: unknown }>(token, `query($id: ID!) { node(id: $id) { id } }`, {
      id: toGlobalId("DeadlineExtension", row.id),
    });
    expect(node.data!.node).toBeNull();
  });
});
