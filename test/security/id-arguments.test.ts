import {
  getNamedType,
  getNullableType,
  type GraphQLArgument,
  type GraphQLInputType,
  GraphQLInputObjectType,
  isListType,
} from "graphql";
import { getSchema } from "../../src/app/schema";
import { AuditEntry } from "../../src/audit/audit-entry.entity";
import { insertNotification } from "../../src/notifications/notification.store";
import {
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookSubscription,
} from "../../src/notifications/webhook.entity";
import { Assessment } from "../../src/criteria/assessment.entity";
import { CriteriaSet } from "../../src/criteria/criteria-set.entity";
import { CriteriaSetKind, RecognitionLevel } from "../../src/criteria/criteria.enums";
import { Criterion } from "../../src/criteria/criterion.entity";
import { FundingAllocation } from "../../src/funding/funding-allocation.entity";
import { FundingDisbursement } from "../../src/funding/funding-disbursement.entity";
import { FundingSource } from "../../src/funding/funding.enums";
import { Recognition } from "../../src/criteria/recognition.entity";
import { RoadmapLevel } from "../../src/plans/plan.enums";
import { RoadmapEntry } from "../../src/plans/roadmap-entry.entity";
import { type NodeType, toGlobalId } from "../../src/shared/ids";
import { DeadlineExtension } from "../../src/workflow/extension.entity";
import { Role } from "../../src/shared/roles";
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
import { rebuildPlanProgress } from "../../src/rollup/rollup.service";
import { writeSnapshot } from "../../src/rollup/rollup.sql";
import { Attachment, ProgressReport, ReportingPeriodKind } from "../../src/workflow/report.entity";

/**
 * Every ID argument of the schema, tried by a commune officer with IDs from a sibling commune and
 * from another district. Scoped objects (tasks, users, audit entries) must never come back, and a
 * refusal must look like a missing object; reference data (units, organizations, plans, criteria,
 * recognitions) is readable by every signed-in user by design, and must not open a way to scoped
 * data. The walk fails when the schema gains an ID argument this file does not test.
 */
interface Foreign {
  assignment: number;
  unit: number;
  org: number;
  task: number;
  user: number;
  audit: number;
  assessment: number;
  recognition: number;
}

describe("ID arguments, tried with IDs from a sibling commune and another district", () => {
  let app: TestApp;
  let tree: Tree;
  let token: string;
  let plan: number;
  let group: number;
  let criteriaSet: number;
  let criterion: number;
  let ownTask: number;
  const foreign: Record<"sibling" | "otherDistrict", Foreign> = {} as never;

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    tree = await makeTree(ds, 2, 2, 1, "Khóa");
    const home = await makeOrg(ds, { unit: tree.communes[0][0] });
    const viewer = await makeUser(ds, { org: home, roles: [Role.COMMUNE_OFFICER] });
    const districtPc = await makeOrg(ds, { unit: tree.districts[0] });
    await makeOrg(ds, { unit: tree.villages[0][0][0], name: "Ban phát triển thôn" });
    token = await app.tokenFor(viewer);
    const p = await makePlan(ds, { scope: tree.province });
    plan = p.id;
    const mine = await makeTask(ds, {
      plan: p,
      lead: home,
      units: [tree.communes[0][0]],
      code: "K-own",
      dueDate: "2030-12-31",
    });
    await makeAssignment(ds, { task: mine, org: home, assigner: districtPc });
    ownTask = mine.id;
    group = (await makeGroup(ds, p, 1, "Nhóm 1")).id;
    const set = await ds.getRepository(CriteriaSet).save({
      code: "KHOA",
      kind: CriteriaSetKind.COMMUNE,
      name: "Bộ tiêu chí thử",
      decision: "QĐ thử",
      periodStartYear: 2021,
      criteriaCount: 1,
      sources: [],
    });
    criteriaSet = set.id;
    criterion = (
      await ds.getRepository(Criterion).save({ setId: set.id, no: 1, name: "Quy hoạch", sources: [] })
    ).id;
    for (const [key, unit] of [
      ["sibling", tree.communes[0][1]],
      ["otherDistrict", tree.communes[1][0]],
    ] as const) {
      const org = await makeOrg(ds, { unit });
      const task = await makeTask(ds, { plan: p, lead: org, units: [unit], code: `K-${key}` });
      const user = await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] });
      const assignment = await makeAssignment(ds, { task, org, assigner: districtPc, status: "assigned" });
      const audit = await ds.getRepository(AuditEntry).insert({
        action: "fixture",
        objectType: "Task",
        objectId: task.id,
        scopePath: unit.path,
        requestId: key,
      });
      const assessment = await ds
        .getRepository(Assessment)
        .save({ unitId: unit.id, criterionId: criterion, year: 2022, met: true, sources: [] });
      const recognition = await ds
        .getRepository(Recognition)
        .save({ unitId: unit.id, level: RecognitionLevel.NTM, standardYear: 2021, sources: [] });
      foreign[key] = {
        assignment: assignment.id,
        unit: unit.id,
        org: org.id,
        task: task.id,
        user: user.id,
        audit: Number(audit.identifiers[0].id),
        assessment: assessment.id,
        recognition: recognition.id,
      };
    }
  });
  afterAll(async () => {
    await app.close();
  });

  const as = <T = Record<string, unknown>>(q: string, v?: Record<string, unknown>) =>
    app.gqlAs<T>(token, q, v);
  const gid = (t: NodeType, id: number) => toGlobalId(t, id);
  const code = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;

  /** A single read that must answer exactly like a read of an ID that matches nothing. */
  async function hidden(field: string, type: NodeType, id: number, arg = "id") {
    const q =
      arg === "id"
        ? `query($id: ID!) { ${field}(id: $id) { id } }`
        : `query($id: ID!) { ${field}(${arg}: $id, first: 1) { totalCount } }`;
    const r = await as(q, { id: gid(type, id) });
    const missing = await as(q, { id: gid(type, 4_000_000_000) });
    expect(r.data).toBeNull();
    expect(r.errors?.map((e) => [e.message, e.extensions])).toEqual(
      missing.errors?.map((e) => [e.message, e.extensions]),
    );
  }
  async function readable(field: string, type: NodeType, id: number) {
    const r = await as<Record<string, { id: string }>>(`query($id: ID!) { ${field}(id: $id) { id } }`, {
      id: gid(type, id),
    });
    expect(r.errors).toBeUndefined();
    expect(r.data![field].id).toBe(gid(type, id));
  }
  /** A task list filtered by a foreign ID: none of the foreign tasks may appear. */
  async function noForeignTasks(filter: string, f: Foreign) {
    const r = await as<{ tasks: { nodes: Array<{ id: string }> } }>(
      `{ tasks(first: 100, filter: { ${filter} }) { nodes { id } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.tasks.nodes.map((n) => n.id)).not.toContain(gid("Task", f.task));
  }
  async function refusedMutation(
    mutation: string,
    vars: Record<string, unknown>,
    table: string,
    id: number | null,
  ) {
    const before = await app.db.ds.query(`SELECT COUNT(*) AS n, MAX(updated_at) AS u FROM ${table}`);
    const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(mutation, vars);
    expect(r.errors).toBeUndefined();
    // NOT_FOUND for the foreign object, as for a missing one; FORBIDDEN may join it for the roles asked.
    const codes = r.data!.r.userErrors.map((e) => e.code);
    expect(codes).toContain("NOT_FOUND");
    expect(codes.filter((c) => c !== "NOT_FOUND" && c !== "FORBIDDEN")).toEqual([]);
    expect(await app.db.ds.query(`SELECT COUNT(*) AS n, MAX(updated_at) AS u FROM ${table}`)).toEqual(before);
    if (id !== null) {
      const row = await app.db.ds.query("SELECT status, version FROM app_user WHERE id = ?", [id]);
      expect(row[0]).toEqual({ status: "active", version: 1 });
    }
  }

  /** The commune delegates its own task to its village, with one foreign ID swapped in: refused, nothing written. */
  async function delegateRefused(
    swap: { taskId?: string; subtask?: Record<string, unknown> },
    expected: string,
  ) {
    const village = tree.villages[0][0][0];
    const villageOrg = (
      await app.db.ds.query("SELECT id FROM organization WHERE unit_id = ?", [village.id])
    )[0];
    const leadOrganizationId = villageOrg
      ? gid("Organization", villageOrg.id)
      : gid("Organization", 4_000_000_000);
    const before = await app.db.ds.query(
      "SELECT (SELECT COUNT(*) FROM task) t, (SELECT COUNT(*) FROM assignment) a",
    );
    const version = Number(
      (await app.db.ds.query("SELECT version FROM task WHERE id = ?", [ownTask]))[0].version,
    );
    const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
      `mutation($i: DelegateTaskInput!) { r: delegateTask(input: $i) { userErrors { code } } }`,
      {
        i: {
          taskId: swap.taskId ?? gid("Task", ownTask),
          version,
          subtasks: [{ leadOrganizationId, ...swap.subtask }],
        },
      },
    );
    expect(r.data!.r.userErrors.map((e) => e.code)).toContain(expected);
    expect(
      await app.db.ds.query("SELECT (SELECT COUNT(*) FROM task) t, (SELECT COUNT(*) FROM assignment) a"),
    ).toEqual(before);
  }

  /** Timeliness counts under a filter, grouped both ways: the foreign organization and unit never show. */
  async function noForeignCounts(filter: Record<string, unknown>, f: Foreign) {
    for (const groupBy of ["ORGANIZATION", "UNIT"]) {
      const r = await as<{
        timelinessCounts: Array<{ organization: { id: string } | null; unit: { id: string } | null }>;
      }>(
        `query($f: TimelinessFilter, $g: TimelinessGroupBy) {
          timelinessCounts(filter: $f, groupBy: $g) { organization { id } unit { id } total } }`,
        { f: filter, g: groupBy },
      );
      expect(r.errors).toBeUndefined();
      const seen = r.data!.timelinessCounts.flatMap((g) => [g.organization?.id, g.unit?.id]);
      expect(seen).not.toContain(gid("Organization", f.org));
      expect(seen).not.toContain(gid("Unit", f.unit));
    }
  }

  /** The commune tries to hand out the plan's group: none of its tasks is the commune's to assign. */
  async function groupRefused(orgs: string[]) {
    const before = await app.db.ds.query("SELECT COUNT(*) AS n FROM task");
    const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
      `mutation($i: AssignTaskGroupInput!) { r: assignTaskGroup(input: $i) { userErrors { code } } }`,
      {
        i: {
          groupId: gid("TaskGroup", group),
          organizationIds: orgs.length ? orgs : [gid("Organization", 4_000_000_000)],
        },
      },
    );
    expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    expect(await app.db.ds.query("SELECT COUNT(*) AS n FROM task")).toEqual(before);
  }

  /** A submitted report on a foreign assignment, its claimed evidence and an unclaimed upload, by its own officer. */
  const evidence = new Map<number, Promise<{ report: number; claimed: number; unclaimed: number }>>();
  function foreignEvidence(f: Foreign) {
    const made =
      evidence.get(f.assignment) ??
      (async () => {
        const ds = app.db.ds;
        const report = await ds.getRepository(ProgressReport).insert({
          assignmentId: f.assignment,
          periodKind: ReportingPeriodKind.MONTHLY,
          periodStart: "2022-06-01",
          periodEnd: "2022-06-30",
          percent: "10.00",
          narrative: "Khóa",
          submittedByUserId: f.user,
        });
        const reportId = Number(report.identifiers[0].id);
        const file = (n: string, claimedBy: number | null) =>
          ds.getRepository(Attachment).insert({
            reportId: claimedBy,
            fileName: `${n}.pdf`,
            contentType: "application/pdf",
            sizeBytes: 4,
            sha256: "0".repeat(64),
            storageKey: `00/00000000-0000-4000-8000-00000000000${f.assignment % 10}`,
            uploadedByUserId: f.user,
            uploadedByOrgId: f.org,
          });
        return {
          report: reportId,
          claimed: Number((await file("claimed", reportId)).identifiers[0].id),
          unclaimed: Number((await file("unclaimed", null)).identifiers[0].id),
        };
      })();
    evidence.set(f.assignment, made);
    return made;
  }
  /** Everything a report or a review could write. */
  const reportState = (assignmentId: number) =>
    app.db.ds.query(
      `SELECT (SELECT COUNT(*) FROM progress_report) r, (SELECT COUNT(*) FROM report_figure) f,
              (SELECT GROUP_CONCAT(CONCAT(id, ':', COALESCE(report_id, '-')) ORDER BY id) FROM attachment) at,
              (SELECT GROUP_CONCAT(CONCAT(id, ':', status, ':', version) ORDER BY id) FROM progress_report) rs,
              (SELECT CONCAT(status, ':', version, ':', progress) FROM assignment WHERE id = ?) a,
              (SELECT COUNT(*) FROM assignment_event) e`,
      [assignmentId],
    );
  async function reportRefused(input: Record<string, unknown>, assignmentId: number) {
    const before = await reportState(assignmentId);
    const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
      `mutation($i: SubmitReportInput!) { r: submitReport(input: $i) { report { id } userErrors { code } } }`,
      {
        i: {
          periodKind: "MONTHLY",
          periodStart: "2022-06-01",
          periodEnd: "2022-06-30",
          percent: "50",
          narrative: "Khóa",
          ...input,
        },
      },
    );
    expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    expect(await reportState(assignmentId)).toEqual(before);
  }

  /** The plan's roll-up tables, filled as the scheduler would (and today's snapshot). */
  async function progressBuilt() {
    await rebuildPlanProgress({ ds: app.db.ds, clock: app.clock, timeZone: app.db.config.timeZone }, plan);
    await writeSnapshot(app.db.ds.manager, plan, "2022-06-15");
  }
  async function foreignProgressHidden(f: Foreign) {
    await progressBuilt();
    const r = await as<{ u: { tasks: unknown; organizations: unknown[]; criteriaMet: number } }>(
      `query($p: ID!, $u: ID!) { u: unitProgress(planId: $p, unitId: $u) { criteriaMet tasks { assignmentsTotal } organizations { tasks { overdue } } } }`,
      { p: gid("Plan", plan), u: gid("Unit", f.unit) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.u.tasks).toBeNull();
    expect(r.data!.u.organizations).toEqual([]);
  }
  async function foreignChildrenHidden(f: Foreign) {
    await progressBuilt();
    const [unit] = await app.db.ds.query("SELECT parent_id FROM admin_unit WHERE id = ?", [f.unit]);
    const r = await as<{ c: { nodes: Array<{ unit: { id: string }; tasks: unknown }> } }>(
      `query($p: ID!, $u: ID!) { c: progressUnits(planId: $p, parentId: $u, first: 50) { nodes { unit { id } tasks { overdue } } } }`,
      { p: gid("Plan", plan), u: gid("Unit", Number(unit.parent_id)) },
    );
    expect(r.errors).toBeUndefined();
    const foreignNode = r.data!.c.nodes.find((n) => n.unit.id === gid("Unit", f.unit));
    expect(foreignNode).toBeDefined();
    expect(foreignNode!.tasks).toBeNull();
  }
  async function foreignSnapshotHidden(f: Foreign) {
    await progressBuilt();
    const r = await as<{ s: Array<{ tasks: unknown }> }>(
      `query($p: ID!, $u: ID!) { s: progressSnapshots(planId: $p, unitId: $u, from: "2022-06-01", to: "2022-06-30") { date tasks { overdue } } }`,
      { p: gid("Plan", plan), u: gid("Unit", f.unit) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.s.map((e) => e.tasks)).toEqual([null]);
  }

  /** One probe per ID argument ("Type.field.argument" or "InputType.field"), run for both foreign places. */
  /** A subscription of the foreign organization with one failed delivery. */
  async function foreignWebhook(f: Foreign): Promise<{ subscription: number; delivery: number }> {
    const sub = await app.db.ds.getRepository(WebhookSubscription).insert({
      orgId: f.org,
      url: "https://hooks.example.vn/foreign",
      secret: "0".repeat(64),
      events: "assigned",
    });
    const subscription = Number(sub.identifiers[0].id);
    const d = await app.db.ds.getRepository(WebhookDelivery).insert({
      subscriptionId: subscription,
      event: "assigned",
      payload: {},
      dedupeKey: `probe:${subscription}`,
      status: WebhookDeliveryStatus.FAILED,
      attempts: 5,
    });
    return { subscription, delivery: Number(d.identifiers[0].id) };
  }

  /** Everything the criteria workflow could write. */
  const criteriaState = () =>
    app.db.ds.query(
      `SELECT (SELECT GROUP_CONCAT(CONCAT(id, ':', stage, ':', version) ORDER BY id) FROM assessment) a,
              (SELECT COUNT(*) FROM assessment_indicator) i,
              (SELECT GROUP_CONCAT(CONCAT(id, ':', version) ORDER BY id) FROM recognition) r,
              (SELECT GROUP_CONCAT(CONCAT(id, ':', outcome, ':', version) ORDER BY id) FROM roadmap_entry) e,
              (SELECT COUNT(*) FROM audit_entry) au`,
    );
  const assessmentInput = (unitId: number) => ({
    unitId: gid("Unit", unitId),
    criterionId: gid("Criterion", criterion),
    year: 2022,
    met: true,
    evidence: ["Khóa"],
  });
  async function criteriaRefused(
    field: string,
    type: string,
    input: Record<string, unknown>,
    codes: string[],
  ) {
    const before = await criteriaState();
    const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
      `mutation($i: ${type}!) { r: ${field}(input: $i) { userErrors { code } } }`,
      { i: input },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(codes);
    expect(await criteriaState()).toEqual(before);
  }

  /** A disbursement to the foreign unit, drawing on a provincial allocation of the plan to it. */
  async function foreignDisbursement(f: Foreign): Promise<{ allocation: number; disbursement: number }> {
    const allocation = await app.db.ds.getRepository(FundingAllocation).save({
      planId: plan,
      year: 2022,
      source: FundingSource.PROVINCIAL,
      recipientUnitId: f.unit,
      amountVnd: "9000000",
      description: "Khóa",
      sources: [],
    });
    const disbursement = await app.db.ds.getRepository(FundingDisbursement).save({
      planId: plan,
      allocationId: allocation.id,
      source: FundingSource.PROVINCIAL,
      recipientUnitId: f.unit,
      amountVnd: "1000000",
      disbursedOn: "2022-06-01",
      reference: "Khóa",
    });
    return { allocation: allocation.id, disbursement: disbursement.id };
  }
  /** Funding is the plan's public record: a foreign unit's disbursements are listed, by design. */
  async function disbursementsListed(
    f: Foreign,
    filter: (d: { allocation: number }) => Record<string, unknown>,
  ) {
    const d = await foreignDisbursement(f);
    const r = await as<{ l: { nodes: Array<{ id: string }> } }>(
      `query($p: ID!, $f: FundingDisbursementFilter) { l: fundingDisbursements(planId: $p, filter: $f, first: 100) { nodes { id } } }`,
      { p: gid("Plan", plan), f: filter(d) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.l.nodes.map((n) => n.id)).toContain(gid("FundingDisbursement", d.disbursement));
  }
  /** A commune officer records no disbursement: FORBIDDEN for real IDs, NOT_FOUND for unknown ones, nothing written. */
  async function disbursementRefused(
    f: Foreign,
    swap: (d: { allocation: number }) => Record<string, unknown>,
    codes: string[],
  ) {
    const d = await foreignDisbursement(f);
    const state = () =>
      app.db.ds.query(
        "SELECT (SELECT COUNT(*) FROM funding_disbursement) d, (SELECT COUNT(*) FROM audit_entry) a",
      );
    const before = await state();
    const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
      `mutation($i: RecordDisbursementInput!) { r: recordDisbursement(input: $i) { userErrors { code } } }`,
      {
        i: {
          planId: gid("Plan", plan),
          source: "PROVINCIAL",
          recipientUnitId: gid("Unit", f.unit),
          amountVnd: "1000",
          disbursedOn: "2022-06-01",
          reference: "Khóa",
          ...swap(d),
        },
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(codes);
    expect(await state()).toEqual(before);
  }

  const CASES: Record<string, (f: Foreign) => Promise<void>> = {
    "Query.node.id": async (f) => {
      for (const [type, id] of [
        ["Task", f.task],
        ["User", f.user],
        ["AuditEntry", f.audit],
      ] as const) {
        const r = await as<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, {
          id: gid(type, id),
        });
        expect([type, r.errors, r.data?.node]).toEqual([type, undefined, null]);
      }
    },
    "Query.nodes.ids": async (f) => {
      const r = await as<{ nodes: unknown[] }>(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
        ids: [gid("Task", f.task), gid("User", f.user), gid("AuditEntry", f.audit)],
      });
      expect(r.data!.nodes).toEqual([null, null, null]);
    },
    "Query.task.id": (f) => hidden("task", "Task", f.task),
    "Query.user.id": (f) => hidden("user", "User", f.user),
    "Query.auditEntry.id": (f) => hidden("auditEntry", "AuditEntry", f.audit),
    "Query.unit.id": (f) => readable("unit", "Unit", f.unit),
    "Query.organization.id": (f) => readable("organization", "Organization", f.org),
    "Query.plan.id": () => readable("plan", "Plan", plan),
    "Query.criteriaSet.id": () => readable("criteriaSet", "CriteriaSet", criteriaSet),
    "Query.assessment.id": (f) => readable("assessment", "Assessment", f.assessment),
    "Query.recognition.id": (f) => readable("recognition", "Recognition", f.recognition),
    "TaskFilter.planId": (f) => noForeignTasks(`planId: "${gid("Plan", plan)}"`, f),
    "TaskFilter.groupId": (f) => noForeignTasks(`groupId: "${gid("TaskGroup", group)}"`, f),
    "TaskFilter.parentId": (f) => noForeignTasks(`parentId: "${gid("Task", f.task)}"`, f),
    "TaskFilter.organizationId": (f) => noForeignTasks(`organizationId: "${gid("Organization", f.org)}"`, f),
    "TaskFilter.unitId": (f) => noForeignTasks(`unitId: "${gid("Unit", f.unit)}"`, f),
    "UserFilter.organizationId": async (f) => {
      const r = await as<{ users: { nodes: unknown[] } }>(
        `query($o: ID) { users(first: 100, filter: { organizationId: $o }) { nodes { id } } }`,
        {
          o: gid("Organization", f.org),
        },
      );
      expect(r.data!.users.nodes).toEqual([]);
    },
    "AuditFilter.objectId": async (f) => {
      const r = await as(
        `query($o: ID) { auditEntries(first: 10, filter: { objectId: $o }) { nodes { id } } }`,
        { o: gid("Task", f.task) },
      );
      expect(code(r)).toBe("FORBIDDEN");
      expect(r.raw).not.toContain(gid("AuditEntry", f.audit));
    },
    "AuditFilter.actorUserId": async (f) => {
      const r = await as(
        `query($o: ID) { auditEntries(first: 10, filter: { actorUserId: $o }) { nodes { id } } }`,
        { o: gid("User", f.user) },
      );
      expect(code(r)).toBe("FORBIDDEN");
    },
    "Mutation.disableUser.id": (f) =>
      refusedMutation(
        `mutation($id: ID!) { r: disableUser(id: $id, version: 1) { userErrors { code } } }`,
        { id: gid("User", f.user) },
        "app_user",
        f.user,
      ),
    "Mutation.enableUser.id": (f) =>
      refusedMutation(
        `mutation($id: ID!) { r: enableUser(id: $id, version: 1) { userErrors { code } } }`,
        { id: gid("User", f.user) },
        "app_user",
        f.user,
      ),
    "Mutation.setUserRoles.id": (f) =>
      refusedMutation(
        `mutation($id: ID!) { r: setUserRoles(id: $id, roles: [VIEWER], version: 1) { userErrors { code } } }`,
        { id: gid("User", f.user) },
        "app_user",
        f.user,
      ),
    "CreateUserInput.organizationId": (f) =>
      refusedMutation(
        `mutation($i: CreateUserInput!) { r: createUser(input: $i) { userErrors { code } } }`,
        {
          i: {
            email: `k${f.org}@test.backan.gov.vn`,
            displayName: "Khóa",
            organizationId: gid("Organization", f.org),
            roles: ["VIEWER"],
            password: "Một mật khẩu đủ dài 2022",
          },
        },
        "app_user",
        null,
      ),
    "TransitionAssignmentInput.assignmentId": async (f) => {
      const before = await app.db.ds.query("SELECT status, version FROM assignment WHERE id = ?", [
        f.assignment,
      ]);
      const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
        `mutation($i: TransitionAssignmentInput!) { r: transitionAssignment(input: $i) { userErrors { code message } } }`,
        { i: { assignmentId: gid("Assignment", f.assignment), action: "ACCEPT", version: 1 } },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(
        await app.db.ds.query("SELECT status, version FROM assignment WHERE id = ?", [f.assignment]),
      ).toEqual(before);
    },
    "RequestExtensionInput.assignmentId": async (f) => {
      const state = () =>
        app.db.ds.query(
          "SELECT (SELECT COUNT(*) FROM deadline_extension) x, (SELECT version FROM assignment WHERE id = ?) v",
          [f.assignment],
        );
      const before = await state();
      const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
        `mutation($i: RequestExtensionInput!) { r: requestExtension(input: $i) { userErrors { code } } }`,
        {
          i: {
            assignmentId: gid("Assignment", f.assignment),
            version: 1,
            requestedDueDate: "2031-12-31",
            reason: "Khóa",
          },
        },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(await state()).toEqual(before);
    },
    "DecideExtensionInput.extensionId": async (f) => {
      // A pending request of the foreign assignment, made by its own officer.
      const ins = await app.db.ds.getRepository(DeadlineExtension).insert({
        assignmentId: f.assignment,
        requestedDueDate: "2031-12-31",
        reason: "Khóa",
        requestedByUserId: f.user,
      });
      const id = Number(ins.identifiers[0].id);
      const state = () =>
        app.db.ds.query(
          "SELECT (SELECT status FROM deadline_extension WHERE id = ?) s, (SELECT COUNT(*) FROM due_date_change) c, (SELECT DATE_FORMAT(due_date, '%Y-%m-%d') FROM assignment WHERE id = ?) d",
          [id, f.assignment],
        );
      const before = await state();
      const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
        `mutation($i: DecideExtensionInput!) { r: decideExtension(input: $i) { userErrors { code } } }`,
        { i: { extensionId: gid("DeadlineExtension", id), decision: "APPROVE" } },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(await state()).toEqual(before);
      expect(before[0].s).toBe("pending");
    },
    // Timeliness counts filtered by a foreign ID: no group of the foreign organization or unit.
    "TimelinessFilter.planId": (f) => noForeignCounts({ planId: gid("Plan", plan) }, f),
    "TimelinessFilter.groupId": (f) => noForeignCounts({ groupId: gid("TaskGroup", group) }, f),
    "TimelinessFilter.unitId": (f) => noForeignCounts({ unitId: gid("Unit", f.unit) }, f),
    "TimelinessFilter.organizationId": (f) =>
      noForeignCounts({ organizationId: gid("Organization", f.org) }, f),
    "Query.taskComments.taskId": (f) => hidden("taskComments", "Task", f.task, "taskId"),
    "AddTaskCommentInput.taskId": async (f) => {
      const before = await app.db.ds.query("SELECT COUNT(*) AS n FROM task_comment");
      const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
        `mutation($i: AddTaskCommentInput!) { r: addTaskComment(input: $i) { userErrors { code } } }`,
        { i: { taskId: gid("Task", f.task), body: "Khóa" } },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(await app.db.ds.query("SELECT COUNT(*) AS n FROM task_comment")).toEqual(before);
    },
    "SetReportingPeriodsInput.planId": async () => {
      // Plans are reference data: readable, but only their coordinators set the calendar.
      const before = await app.db.ds.query("SELECT COUNT(*) AS n FROM reporting_period");
      const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
        `mutation($i: SetReportingPeriodsInput!) { r: setReportingPeriods(input: $i) { userErrors { code } } }`,
        { i: { planId: gid("Plan", plan), periods: [] } },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
      expect(await app.db.ds.query("SELECT COUNT(*) AS n FROM reporting_period")).toEqual(before);
    },
    "UpdateNotificationPreferencesInput.userId": async (f) => {
      // Only the user themself (or an administrator) sets their preferences; others look missing.
      const count = () =>
        app.db.ds.query(
          `SELECT (SELECT COUNT(*) FROM notification_preferences) p,
                  (SELECT COUNT(*) FROM audit_entry WHERE action = 'user.set_notification_preferences') a`,
        );
      const before = await count();
      const r = await as<{ r: { preferences: unknown; userErrors: Array<{ code: string }> } }>(
        `mutation($i: UpdateNotificationPreferencesInput!) { r: updateNotificationPreferences(input: $i) { preferences { version } userErrors { code } } }`,
        {
          i: {
            userId: gid("User", f.user),
            version: 0,
            emailEnabled: false,
            emailMode: "DIGEST",
            digestLocalHour: 7,
          },
        },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(r.data!.r.preferences).toBeNull();
      expect(await count()).toEqual(before);
    },
    "SetReminderLadderInput.planId": async () => {
      // Plans are reference data: readable, but only their coordinators set the reminder ladder.
      const count = () =>
        app.db.ds.query(
          `SELECT (SELECT COUNT(*) FROM plan_reminder_settings) s,
                  (SELECT COUNT(*) FROM audit_entry WHERE action = 'plan.set_reminder_ladder') a`,
        );
      const before = await count();
      const r = await as<{ r: { ladder: unknown; userErrors: Array<{ code: string }> } }>(
        `mutation($i: SetReminderLadderInput!) { r: setReminderLadder(input: $i) { ladder { localHour } userErrors { code } } }`,
        {
          i: {
            planId: gid("Plan", plan),
            daysBefore: [3, 1],
            onDueDate: true,
            overdueEveryWorkingDays: 2,
            escalateAfterWorkingDays: 3,
            localHour: 8,
          },
        },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
      expect(r.data!.r.ladder).toBeNull();
      expect(await count()).toEqual(before);
    },
    "Mutation.markNotificationsRead.ids": async (f) => {
      const id = await insertNotification(app.db.ds.manager, {
        userId: f.user,
        kind: "reminder.probe",
        title: "Khóa",
        body: "Khóa",
        link: null,
      });
      const r = await as<{ r: { notifications: unknown[]; userErrors: Array<{ code: string }> } }>(
        `mutation($ids: [ID!]!) { r: markNotificationsRead(ids: $ids) { notifications { id } userErrors { code } } }`,
        { ids: [gid("Notification", id)] },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(r.data!.r.notifications).toEqual([]);
      const [row] = await app.db.ds.query("SELECT read_at FROM notification WHERE id = ?", [id]);
      expect(row.read_at).toBeNull();
      const node = await as<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, {
        id: gid("Notification", id),
      });
      expect([node.errors, node.data?.node]).toEqual([undefined, null]);
    },
    "CreateWebhookSubscriptionInput.organizationId": async (f) => {
      const count = async () =>
        Number((await app.db.ds.query("SELECT COUNT(*) n FROM webhook_subscription"))[0].n);
      const before = await count();
      const r = await as<{
        r: { subscription: unknown; secret: unknown; userErrors: Array<{ code: string }> };
      }>(
        `mutation($i: CreateWebhookSubscriptionInput!) { r: createWebhookSubscription(input: $i) { subscription { id } secret userErrors { code } } }`,
        {
          i: {
            organizationId: gid("Organization", f.org),
            url: "https://hooks.example.vn/x",
            events: ["assigned"],
          },
        },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
      expect([r.data!.r.subscription, r.data!.r.secret]).toEqual([null, null]);
      expect(await count()).toBe(before);
    },
    "Query.webhookSubscriptions.organizationId": async (f) => {
      await foreignWebhook(f);
      const r = await as(`query($i: ID!) { webhookSubscriptions(organizationId: $i) { id url } }`, {
        i: gid("Organization", f.org),
      });
      expect(code(r)).toBe("FORBIDDEN");
      expect(r.data).toBeNull();
    },
    "Mutation.deleteWebhookSubscription.id": async (f) => {
      const { subscription } = await foreignWebhook(f);
      const r = await as<{ r: { deletedId: unknown; userErrors: Array<{ code: string }> } }>(
        `mutation($id: ID!) { r: deleteWebhookSubscription(id: $id) { deletedId userErrors { code } } }`,
        { id: gid("WebhookSubscription", subscription) },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(r.data!.r.deletedId).toBeNull();
      const [row] = await app.db.ds.query("SELECT id FROM webhook_subscription WHERE id = ?", [subscription]);
      expect(row).toBeDefined();
      const node = await as<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, {
        id: gid("WebhookSubscription", subscription),
      });
      expect([node.errors, node.data?.node]).toEqual([undefined, null]);
    },
    "Mutation.retryWebhookDelivery.id": async (f) => {
      const { delivery } = await foreignWebhook(f);
      const r = await as<{ r: { delivery: unknown; userErrors: Array<{ code: string }> } }>(
        `mutation($id: ID!) { r: retryWebhookDelivery(id: $id) { delivery { id } userErrors { code } } }`,
        { id: gid("WebhookDelivery", delivery) },
      );
      expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(r.data!.r.delivery).toBeNull();
      const [row] = await app.db.ds.query("SELECT status FROM webhook_delivery WHERE id = ?", [delivery]);
      expect(row.status).toBe("failed");
      const failed = await as<{ failedWebhookDeliveries: { totalCount: number } }>(
        `{ failedWebhookDeliveries(first: 5) { totalCount } }`,
      );
      expect(failed.data!.failedWebhookDeliveries.totalCount).toBe(0);
    },
    "AssignTaskGroupInput.groupId": () => groupRefused([]),
    "AssignTaskGroupInput.organizationIds": (f) => groupRefused([gid("Organization", f.org)]),
    "SubmitReportInput.assignmentId": async (f) => {
      await foreignEvidence(f);
      await reportRefused({ assignmentId: gid("Assignment", f.assignment), version: 1 }, f.assignment);
    },
    "SubmitReportInput.attachmentIds": async (f) => {
      const { claimed, unclaimed } = await foreignEvidence(f);
      const [own] = await app.db.ds.query("SELECT id, version FROM assignment WHERE task_id = ?", [ownTask]);
      for (const id of [unclaimed, claimed]) {
        await reportRefused(
          {
            assignmentId: gid("Assignment", own.id),
            version: own.version,
            attachmentIds: [gid("Attachment", id)],
          },
          own.id,
        );
      }
    },
    "ReviewReportInput.reportId": async (f) => {
      const { report } = await foreignEvidence(f);
      for (const decision of ["APPROVE", "RETURN"]) {
        const before = await reportState(f.assignment);
        const r = await as<{ r: { userErrors: Array<{ code: string }> } }>(
          `mutation($i: ReviewReportInput!) { r: reviewReport(input: $i) { report { id } userErrors { code } } }`,
          { i: { reportId: gid("ProgressReport", report), version: 1, decision, comment: "Khóa" } },
        );
        expect(r.data!.r.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
        expect(await reportState(f.assignment)).toEqual(before);
      }
    },
    "DelegateTaskInput.taskId": (f) => delegateRefused({ taskId: gid("Task", f.task) }, "NOT_FOUND"),
    "SubtaskInput.leadOrganizationId": (f) =>
      delegateRefused({ subtask: { leadOrganizationId: gid("Organization", f.org) } }, "FORBIDDEN"),
    "SubtaskInput.cooperatingOrganizationIds": (f) =>
      delegateRefused({ subtask: { cooperatingOrganizationIds: [gid("Organization", f.org)] } }, "FORBIDDEN"),
    "SubtaskInput.unitIds": (f) =>
      delegateRefused({ subtask: { unitIds: [gid("Unit", f.unit)] } }, "FORBIDDEN"),
    "SubtaskInput.assigneeUserId": (f) =>
      delegateRefused({ subtask: { assigneeUserId: gid("User", f.user) } }, "BAD_USER_INPUT"),
    // Reference data: readable by design; the filters return units, organizations and criteria facts only.
    "UnitFilter.parentId": async (f) => {
      const r = await as(`query($i: ID) { units(first: 5, filter: { parentId: $i }) { totalCount } }`, {
        i: gid("Unit", f.unit),
      });
      expect(r.errors).toBeUndefined();
    },
    "UnitFilter.withinId": async (f) => {
      const r = await as(`query($i: ID) { units(first: 5, filter: { withinId: $i }) { totalCount } }`, {
        i: gid("Unit", f.unit),
      });
      expect(r.errors).toBeUndefined();
    },
    "OrganizationFilter.unitId": async (f) => {
      const r = await as<{ organizations: { totalCount: number } }>(
        `query($i: ID) { organizations(first: 5, filter: { unitId: $i }) { totalCount } }`,
        { i: gid("Unit", f.unit) },
      );
      expect(r.data!.organizations.totalCount).toBe(1);
    },
    "OrganizationFilter.withinUnitId": async (f) => {
      const r = await as(
        `query($i: ID) { organizations(first: 5, filter: { withinUnitId: $i }) { totalCount } }`,
        { i: gid("Unit", f.unit) },
      );
      expect(r.errors).toBeUndefined();
    },
    "PlanFilter.scopeUnitId": async (f) => {
      const r = await as<{ plans: { totalCount: number } }>(
        `query($i: ID) { plans(first: 5, filter: { scopeUnitId: $i }) { totalCount } }`,
        { i: gid("Unit", f.unit) },
      );
      expect(r.data!.plans.totalCount).toBe(0);
    },
    "AssessmentFilter.unitId": async (f) => {
      const r = await as<{ assessments: { totalCount: number } }>(
        `query($i: ID) { assessments(first: 5, filter: { unitId: $i }) { totalCount } }`,
        { i: gid("Unit", f.unit) },
      );
      expect(r.data!.assessments.totalCount).toBe(1);
    },
    "AssessmentFilter.criteriaSetId": async () => {
      const r = await as(
        `query($i: ID) { assessments(first: 5, filter: { criteriaSetId: $i }) { totalCount } }`,
        { i: gid("CriteriaSet", criteriaSet) },
      );
      expect(r.errors).toBeUndefined();
    },
    "AssessmentFilter.criterionId": async () => {
      const r = await as(
        `query($i: ID) { assessments(first: 5, filter: { criterionId: $i }) { totalCount } }`,
        { i: gid("Criterion", criterion) },
      );
      expect(r.errors).toBeUndefined();
    },
    "RecognitionFilter.unitId": async (f) => {
      const r = await as<{ recognitions: { totalCount: number } }>(
        `query($i: ID) { recognitions(first: 5, filter: { unitId: $i }) { totalCount } }`,
        { i: gid("Unit", f.unit) },
      );
      expect(r.data!.recognitions.totalCount).toBe(1);
    },
    // The criteria workflow: foreign units, assessments and recognitions are readable reference
    // data, so acting on them is FORBIDDEN (not NOT_FOUND); unknown IDs are NOT_FOUND; nothing is written.
    "RecordAssessmentInput.unitId": (f) =>
      criteriaRefused("recordAssessment", "RecordAssessmentInput", assessmentInput(f.unit), ["FORBIDDEN"]),
    "RecordAssessmentInput.criterionId": async (f) => {
      await criteriaRefused("recordAssessment", "RecordAssessmentInput", assessmentInput(f.unit), [
        "FORBIDDEN",
      ]);
      await criteriaRefused(
        "recordAssessment",
        "RecordAssessmentInput",
        { ...assessmentInput(tree.communes[0][0].id), criterionId: gid("Criterion", 4_000_000_000) },
        ["NOT_FOUND"],
      );
    },
    "IndicatorValueInput.indicatorId": async (f) => {
      const input = { indicatorValues: [{ indicatorId: gid("Indicator", 4_000_000_000), met: true }] };
      await criteriaRefused(
        "recordAssessment",
        "RecordAssessmentInput",
        { ...assessmentInput(f.unit), ...input },
        ["FORBIDDEN"],
      );
      await criteriaRefused(
        "recordAssessment",
        "RecordAssessmentInput",
        { ...assessmentInput(tree.communes[0][0].id), ...input },
        ["NOT_FOUND"],
      );
    },
    "ReviewAssessmentInput.assessmentId": async (f) => {
      for (const decision of ["CHECK", "APPRAISE", "RETURN"])
        await criteriaRefused(
          "reviewAssessment",
          "ReviewAssessmentInput",
          { assessmentId: gid("Assessment", f.assessment), decision, version: 1, reason: "Khóa" },
          ["FORBIDDEN"],
        );
    },
    "RecordRecognitionInput.unitId": (f) =>
      criteriaRefused(
        "recordRecognition",
        "RecordRecognitionInput",
        {
          unitId: gid("Unit", f.unit),
          level: "NTM",
          decisionNo: "1/QĐ-UBND",
          decidedOn: "2022-12-30",
          decidedBy: "Chủ tịch UBND tỉnh",
          overrideCriteria: true,
          note: "Khóa",
        },
        ["FORBIDDEN"],
      ),
    "RevokeRecognitionInput.recognitionId": (f) =>
      criteriaRefused(
        "revokeRecognition",
        "RevokeRecognitionInput",
        {
          recognitionId: gid("Recognition", f.recognition),
          version: 1,
          decisionNo: "2/QĐ-UBND",
          revokedOn: "2022-12-30",
          reason: "Khóa",
        },
        ["FORBIDDEN"],
      ),
    "SetRoadmapOutcomeInput.entryId": async (f) => {
      const entry = await app.db.ds.getRepository(RoadmapEntry).insert({
        planId: plan,
        unitId: f.unit,
        level: RoadmapLevel.NTM,
        year: 2022,
        sources: [],
      });
      await criteriaRefused(
        "setRoadmapOutcome",
        "SetRoadmapOutcomeInput",
        { entryId: gid("RoadmapEntry", Number(entry.identifiers[0].id)), version: 1, outcome: "MISSED" },
        ["FORBIDDEN"],
      );
    },
    "CarryOverRoadmapInput.fromPlanId": () =>
      criteriaRefused(
        "carryOverRoadmap",
        "CarryOverRoadmapInput",
        { fromPlanId: gid("Plan", plan), toPlanId: gid("Plan", 4_000_000_000) },
        ["NOT_FOUND"],
      ),
    "CarryOverRoadmapInput.toPlanId": async () => {
      const later = await makePlan(app.db.ds, { scope: tree.province, year: 2023 });
      await criteriaRefused(
        "carryOverRoadmap",
        "CarryOverRoadmapInput",
        { fromPlanId: gid("Plan", plan), toPlanId: gid("Plan", later.id) },
        ["FORBIDDEN"],
      );
    },

    // Progress figures: criteria figures are reference data (readable by all); the task side of a
    // foreign unit must stay hidden (null), and only coordinators may rebuild.
    "Query.planProgress.planId": async () => {
      await progressBuilt();
      const r = await as<{ p: { scope: { tasks: unknown } } }>(
        `query($p: ID!) { p: planProgress(planId: $p) { scope { tasks { assignmentsTotal } } targets { actual } } }`,
        { p: gid("Plan", plan) },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.p.scope.tasks).toBeNull();
    },
    "Query.unitProgress.planId": (f) => foreignProgressHidden(f),
    "Query.unitProgress.unitId": (f) => foreignProgressHidden(f),
    "Query.progressUnits.planId": (f) => foreignChildrenHidden(f),
    "Query.progressUnits.parentId": (f) => foreignChildrenHidden(f),
    "Query.progressSnapshots.planId": (f) => foreignSnapshotHidden(f),
    "Query.progressSnapshots.unitId": (f) => foreignSnapshotHidden(f),
    "Query.fundingDisbursements.planId": (f) => disbursementsListed(f, () => ({})),
    "FundingDisbursementFilter.unitId": (f) =>
      disbursementsListed(f, () => ({ unitId: gid("Unit", f.unit) })),
    "FundingDisbursementFilter.allocationId": (f) =>
      disbursementsListed(f, (d) => ({ allocationId: gid("FundingAllocation", d.allocation) })),
    "RecordDisbursementInput.planId": async (f) => {
      await disbursementRefused(f, () => ({}), ["FORBIDDEN"]);
      await disbursementRefused(f, () => ({ planId: gid("Plan", 4_000_000_000) }), ["NOT_FOUND"]);
    },
    "RecordDisbursementInput.recipientUnitId": async (f) => {
      await disbursementRefused(f, () => ({}), ["FORBIDDEN"]);
      await disbursementRefused(f, () => ({ recipientUnitId: gid("Unit", 4_000_000_000) }), ["NOT_FOUND"]);
    },
    "RecordDisbursementInput.allocationId": async (f) => {
      await disbursementRefused(
        f,
        (d) => ({ allocationId: gid("FundingAllocation", d.allocation), recipientUnitId: null }),
        ["FORBIDDEN"],
      );
      await disbursementRefused(f, () => ({ allocationId: gid("FundingAllocation", 4_000_000_000) }), [
        "NOT_FOUND",
      ]);
    },
    "Mutation.rebuildProgress.planId": async () => {
      await progressBuilt();
      const before = await app.db.ds.query("SELECT unit_id, computed_at FROM progress_unit ORDER BY unit_id");
      const r = await as(`mutation($p: ID!) { r: rebuildProgress(planId: $p) { userErrors { code } } }`, {
        p: gid("Plan", plan),
      });
      expect(code(r)).toBe("FORBIDDEN");
      expect(
        await app.db.ds.query("SELECT unit_id, computed_at FROM progress_unit ORDER BY unit_id"),
      ).toEqual(before);
    },
  };

  function idArguments(schema: Awaited<ReturnType<typeof getSchema>>): string[] {
    const found = new Set<string>();
    const isId = (t: GraphQLInputType) => getNamedType(t).name === "ID";
    const visitInput = (type: GraphQLInputType, seen: Set<string>) => {
      const named = getNamedType(type);
      if (!(named instanceof GraphQLInputObjectType) || seen.has(named.name)) return;
      seen.add(named.name);
      for (const field of Object.values(named.getFields())) {
        if (isId(field.type)) found.add(`${named.name}.${field.name}`);
        else visitInput(field.type, seen);
      }
    };
    const visitArgs = (owner: string, field: string, args: readonly GraphQLArgument[]) => {
      for (const a of args) {
        if (isId(a.type)) found.add(`${owner}.${field}.${a.name}`);
        else visitInput(a.type, new Set());
      }
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || !("getFields" in type) || type instanceof GraphQLInputObjectType)
        continue;
      for (const field of Object.values(type.getFields())) {
        if ("args" in field) visitArgs(type.name, field.name, field.args);
      }
    }
    void isListType;
    void getNullableType;
    return [...found].sort();
  }

  it("has a probe for every ID argument in the schema", async () => {
    const args = idArguments(await getSchema());
    expect(args.length).toBeGreaterThan(20);
    expect(args.filter((a) => !(a in CASES))).toEqual([]);
  });

  it.each(Object.keys(CASES).sort())("%s: sibling commune and another district", async (key) => {
    await CASES[key](foreign.sibling);
    await CASES[key](foreign.otherDistrict);
  });
});
