import type { User } from "../../src/auth/user.entity";
import { AuditEntry } from "../../src/audit/audit-entry.entity";
import { Assessment } from "../../src/criteria/assessment.entity";
import { CriteriaSet } from "../../src/criteria/criteria-set.entity";
import { AssessmentStage, CriteriaSetKind, RecognitionLevel } from "../../src/criteria/criteria.enums";
import { Criterion } from "../../src/criteria/criterion.entity";
import { FundingDisbursement } from "../../src/funding/funding-disbursement.entity";
import { FundingSource } from "../../src/funding/funding.enums";
import { Recognition } from "../../src/criteria/recognition.entity";
import { RoadmapLevel } from "../../src/plans/plan.enums";
import { RoadmapEntry } from "../../src/plans/roadmap-entry.entity";
import {
  assignerPlace,
  authorizationMatrix,
  delegationTarget,
  HOMES,
  type MatrixCell,
  PLACES,
  type Place,
  provinceOf,
  recognitionLevelAt,
} from "../../src/app/authorization-matrix";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import { toGlobalId } from "../../src/shared/ids";
import { ALL_ROLES, Role } from "../../src/shared/roles";
import type { Task } from "../../src/tasks/task.entity";
import type { Unit } from "../../src/units/unit.entity";
import { UnitType } from "../../src/units/unit.enums";
import type { Assignment } from "../../src/workflow/assignment.entity";
import { AssignmentStatus, TASK_STATUS_OF } from "../../src/workflow/assignment.states";
import { ProgressReport, ReportingPeriodKind } from "../../src/workflow/report.entity";
import { makeAssignment, makeOrg, makePlan, makeTask, makeUnit, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * Every reachable cell of the authorization matrix, run over HTTP against the real server: the
 * symbolic world of src/app/authorization-matrix.ts is built in the database, each role signs in,
 * and each operation must be allowed exactly where the matrix allows it. A denied read must look
 * exactly like a read of an object that does not exist.
 *
 * Assignments and reports: each write cell gets fresh rows (a task at the cell's place, its lead
 * assignment from the assigner place's People's Committee, in a status where the operation is
 * legal, and a submitted final report where one is needed), so no cell decides another. A refusal
 * must be NOT_FOUND, exactly as for a missing object, where the matrix denies reading the object,
 * and FORBIDDEN elsewhere; either way the database must not change.
 */
const TYPE_OF: Record<Place, UnitType> = {
  P: UnitType.TINH,
  P2: UnitType.TINH,
  D1: UnitType.HUYEN,
  D2: UnitType.HUYEN,
  D3: UnitType.HUYEN,
  C11: UnitType.XA,
  C12: UnitType.XA,
  C21: UnitType.XA,
  V111: UnitType.THON,
  V112: UnitType.THON,
  V211: UnitType.THON,
};

interface World {
  unit: Record<Place, Unit>;
  /** The organization that owns objects at a place (its People's Committee, or its village board). */
  owner: Record<Place, Organization>;
  special: Record<"coordination_office" | "department" | "admin_office", Organization>;
  plan: Record<Place, Plan>;
  task: Record<Place, Task>;
  /** Tasks led by the province-level special organizations (the "own" task of their users). */
  specialTask: Record<string, Task>;
  targetUser: Record<Place, User>;
  specialUser: Record<string, User>;
  audit: Record<Place, number>;
  /** The lead assignment of each place's task (and of each special organization's), with one report. */
  assignment: Record<string, Assignment>;
  report: Record<string, ProgressReport>;
  /** Where delegateTask sends a sub-assignment from an object at each place (delegationTarget). */
  below: Record<Place, Organization>;
  viewer: Record<Role, User>;
  token: Record<Role, string>;
}

/** A submitted report on an assignment, written straight to the database. */
async function makeReport(ds: TestApp["db"]["ds"], a: Assignment, isFinal: boolean): Promise<ProgressReport> {
  const repo = ds.getRepository(ProgressReport);
  return repo.save(
    repo.create({
      assignmentId: a.id,
      periodKind: ReportingPeriodKind.AD_HOC,
      periodStart: "2022-05-01",
      periodEnd: "2022-05-31",
      percent: isFinal ? "100.00" : "40.00",
      narrative: isFinal ? "Đã hoàn thành." : "Đang thực hiện.",
      isFinal,
    }),
  );
}

type UserErrors = Array<{ code: string; message: string; field: string[] }>;

describe("authorization matrix over HTTP", () => {
  let app: TestApp;
  let w: World;
  const all = authorizationMatrix();
  const cells = all.filter((c) => c.reachable);
  /** Whether the matrix lets the cell's role read the cell's object (else a refusal must be NOT_FOUND). */
  const readable = (c: MatrixCell) =>
    all.some(
      (r) =>
        r.role === c.role &&
        r.resource === c.resource &&
        r.relation === c.relation &&
        r.operation === "read" &&
        r.allowed,
    );

  const criteriaSetOf = {} as Record<CriteriaSetKind, number>;
  const assessmentAt = {} as Record<Place, number>;
  const recognitionAt = {} as Record<Place, number>;
  const disbursementAt = {} as Record<Place, number>;
  let criterionSeq = 0;
  /** A new criterion of the set that fits the place's level (a province gets a commune criterion). */
  async function freshCriterion(p: Place): Promise<Criterion> {
    const level = PLACES[p].level;
    const kind =
      level === "village"
        ? CriteriaSetKind.VILLAGE
        : level === "district"
          ? CriteriaSetKind.DISTRICT
          : CriteriaSetKind.COMMUNE;
    return app.db.ds.getRepository(Criterion).save({
      setId: criteriaSetOf[kind],
      no: ++criterionSeq,
      name: `Tiêu chí ${criterionSeq}`,
      sources: [],
    });
  }
  /** The unit's assessment (for 2022) of a new criterion, at `stage`, version 1. */
  async function freshAssessment(p: Place, stage: AssessmentStage): Promise<Assessment> {
    const c = await freshCriterion(p);
    return app.db.ds.getRepository(Assessment).save({
      unitId: unitIdOf[p],
      criterionId: c.id,
      year: 2022,
      met: true,
      stage,
      sources: [],
    });
  }
  const unitIdOf = {} as Record<Place, number>;

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    const order: Place[] = ["P", "D1", "D2", "C11", "C12", "C21", "V111", "V112", "V211", "P2", "D3"];
    const unit = {} as Record<Place, Unit>;
    const owner = {} as Record<Place, Organization>;
    for (const p of order) {
      const parent = PLACES[p].parent as Place | null;
      unit[p] = await makeUnit(ds, {
        name: `Ma trận ${p}`,
        type: TYPE_OF[p],
        parent: parent ? unit[parent] : null,
        code: `M${p}`,
      });
      unitIdOf[p] = unit[p].id;
      owner[p] = await makeOrg(ds, {
        unit: unit[p],
        name: `Cơ quan ${p}`,
        kind:
          PLACES[p].level === "village"
            ? OrganizationKind.VILLAGE_DEVELOPMENT_BOARD
            : OrganizationKind.PEOPLES_COMMITTEE,
      });
    }
    const special = {
      coordination_office: await makeOrg(ds, {
        unit: unit.P,
        name: "Văn phòng Điều phối",
        kind: OrganizationKind.COORDINATION_OFFICE,
      }),
      department: await makeOrg(ds, {
        unit: unit.P,
        name: "Sở Nông nghiệp",
        kind: OrganizationKind.DEPARTMENT,
      }),
      admin_office: await makeOrg(ds, {
        unit: unit.P,
        name: "Quản trị hệ thống",
        kind: OrganizationKind.OFFICE,
      }),
    };
    const orgOfRole = (role: Role) => {
      const home = HOMES[role];
      return home.org === "pc" || home.org === "village_board" ? owner[home.place] : special[home.org];
    };
    const plan = {} as Record<Place, Plan>;
    const task = {} as Record<Place, Task>;
    const targetUser = {} as Record<Place, User>;
    const audit = {} as Record<Place, number>;
    for (const p of order) {
      plan[p] = await makePlan(ds, { scope: unit[p] });
      const parent = PLACES[p].parent as Place | null;
      const root =
        PLACES[p].level === "province"
          ? p
          : (order.find(
              (q) => PLACES[q].level === "province" && PLACES[p].path.startsWith(PLACES[q].path),
            ) as Place);
      task[p] = await makeTask(ds, {
        plan: plan[root],
        parent: parent ? task[parent] : null,
        lead: owner[p],
        units: [unit[p]],
        code: `T-${p}`,
      });
      targetUser[p] = await makeUser(ds, { org: owner[p], roles: [Role.COMMUNE_OFFICER] });
      const inserted = await ds.getRepository(AuditEntry).insert({
        action: "matrix.fixture",
        objectType: "Unit",
        objectId: unit[p].id,
        scopePath: unit[p].path,
        requestId: `fixture-${p}`,
      });
      audit[p] = Number(inserted.identifiers[0].id);
    }
    const specialTask: Record<string, Task> = {};
    const specialUser: Record<string, User> = {};
    for (const [key, org] of Object.entries(special)) {
      specialTask[key] = await makeTask(ds, { plan: plan.P, lead: org, units: [unit.P], code: `T-${key}` });
      specialUser[key] = await makeUser(ds, { org, roles: [Role.COMMUNE_OFFICER] });
    }
    // The objects read by the assignment and report read/list cells.
    const assignment: Record<string, Assignment> = {};
    const report: Record<string, ProgressReport> = {};
    const objects: Array<[string, Task, Organization, Place]> = [
      ...order.map((p): [string, Task, Organization, Place] => [p, task[p], owner[p], p]),
      ...Object.entries(special).map(([key, org]): [string, Task, Organization, Place] => [
        key,
        specialTask[key],
        org,
        "P",
      ]),
    ];
    for (const [key, t, org, p] of objects) {
      assignment[key] = await makeAssignment(ds, { task: t, org, assigner: owner[assignerPlace(p)] });
      report[key] = await makeReport(ds, assignment[key], false);
    }
    const below = {} as Record<Place, Organization>;
    for (const p of order) {
      const target = delegationTarget(p);
      if (target.child) below[p] = owner[target.child];
      else if (PLACES[p].level === "village")
        below[p] = await makeOrg(ds, {
          unit: unit[p],
          name: `Tổ công tác ${p}`,
          kind: OrganizationKind.MASS_ORGANIZATION,
        });
      else {
        const lower = await makeUnit(ds, {
          name: `Ma trận dưới ${p}`,
          type: target.unitLevel === "village" ? UnitType.THON : UnitType.XA,
          parent: unit[p],
          code: `MB${p}`,
        });
        below[p] = await makeOrg(ds, {
          unit: lower,
          name: `Cơ quan dưới ${p}`,
          kind:
            target.unitLevel === "village"
              ? OrganizationKind.VILLAGE_DEVELOPMENT_BOARD
              : OrganizationKind.PEOPLES_COMMITTEE,
        });
      }
    }
    const viewer = {} as Record<Role, User>;
    const token = {} as Record<Role, string>;
    for (const role of ALL_ROLES) {
      viewer[role] = await makeUser(ds, { org: orgOfRole(role), roles: [role] });
      token[role] = await app.tokenFor(viewer[role]);
    }
    // The criteria world: one set per kind of unit, an assessment and a recognition at every place.
    for (const kind of [CriteriaSetKind.COMMUNE, CriteriaSetKind.VILLAGE, CriteriaSetKind.DISTRICT]) {
      const set = await ds.getRepository(CriteriaSet).save({
        code: `MATRIX-${kind}`,
        kind,
        name: `Bộ tiêu chí ${kind}`,
        decision: "Quyết định ma trận",
        periodStartYear: 2021,
        periodEndYear: 2025,
        criteriaCount: 1,
        sources: [],
      });
      criteriaSetOf[kind] = set.id;
    }
    for (const p of order) {
      assessmentAt[p] = (await freshAssessment(p, AssessmentStage.SELF)).id;
      recognitionAt[p] = (
        await ds.getRepository(Recognition).save({
          unitId: unit[p].id,
          level: recognitionLevelAt(p) ?? RecognitionLevel.NTM,
          standardYear: 2021,
          sources: [],
        })
      ).id;
      // A disbursement to each unit under the plan of its province.
      disbursementAt[p] = (
        await ds.getRepository(FundingDisbursement).save({
          planId: plan[provinceOf(p)].id,
          source: FundingSource.PROVINCIAL,
          recipientUnitId: unit[p].id,
          amountVnd: "1000000",
          disbursedOn: "2022-05-20",
          reference: `Chứng từ ma trận ${p}`,
        })
      ).id;
    }
    w = {
      unit,
      owner,
      special,
      plan,
      task,
      specialTask,
      targetUser,
      specialUser,
      audit,
      assignment,
      report,
      below,
      viewer,
      token,
    };
  }, 120_000);
  afterAll(async () => {
    await app.close();
  });

  /** The object of a cell: for "own", the viewer's own organization's; else the place's owner's. */
  const ownSpecial = (c: MatrixCell) => {
    const org = HOMES[c.role].org;
    return c.relation === "own" &&
      (org === "coordination_office" || org === "department" || org === "admin_office")
      ? org
      : null;
  };
  const taskOf = (c: MatrixCell) => (ownSpecial(c) ? w.specialTask[ownSpecial(c)!] : w.task[c.place]);
  const orgOf = (c: MatrixCell) => (ownSpecial(c) ? w.special[ownSpecial(c)!] : w.owner[c.place]);
  const userOf = (c: MatrixCell) => (ownSpecial(c) ? w.specialUser[ownSpecial(c)!] : w.targetUser[c.place]);
  /** The shared assignment (and report) of a cell's object, for the read and list cells. */
  const keyOf = (c: MatrixCell) => ownSpecial(c) ?? c.place;
  let seq = 0;

  /**
   * Fresh rows for one write cell: a task at the cell's place (under the parent place's task, in
   * the plan of its province), led by the object's organization; its lead assignment from the
   * assigner place's People's Committee in `status`; and, when asked, a submitted final report.
   */
  async function freshAssignment(c: MatrixCell, status: AssignmentStatus, finalReport = false) {
    const ds = app.db.ds;
    const parent = PLACES[c.place].parent as Place | null;
    const t = await makeTask(ds, {
      plan: w.plan[provinceOf(c.place)],
      parent: ownSpecial(c) || !parent ? null : w.task[parent],
      lead: orgOf(c),
      units: [w.unit[c.place]],
      code: `X-${++seq}`,
      status: TASK_STATUS_OF[status],
    });
    const a = await makeAssignment(ds, {
      task: t,
      org: orgOf(c),
      assigner: w.owner[assignerPlace(c.place)],
      status,
    });
    const report = finalReport ? await makeReport(ds, a, true) : null;
    return { task: t, assignment: a, report };
  }

  /** The rows a refused write must leave as they were. */
  async function snapshot(taskId: number, assignmentId: number): Promise<string> {
    const q = (sql: string, args: unknown[]) => app.db.ds.query(sql, args);
    return JSON.stringify([
      await q("SELECT status, version, progress FROM task WHERE id = ?", [taskId]),
      await q("SELECT COUNT(*) AS n FROM task WHERE parent_id = ?", [taskId]),
      await q("SELECT status, version, progress, paused_from FROM assignment WHERE task_id = ? ORDER BY id", [
        taskId,
      ]),
      await q("SELECT COUNT(*) AS n FROM assignment_event WHERE assignment_id = ?", [assignmentId]),
      await q(
        "SELECT id, status, version, review_comment FROM progress_report WHERE assignment_id = ? ORDER BY id",
        [assignmentId],
      ),
    ]);
  }

  /** `leaks`: what is wrong with the answer beyond allow/deny (a telling denial, a write that was kept). */
  type Outcome = { allowed: boolean; leaks?: string };

  async function run(c: MatrixCell): Promise<Outcome> {
    const as = <T>(q: string, v?: Record<string, unknown>) => app.gqlAs<T>(w.token[c.role], q, v);
    const code = (r: { errors?: Array<{ extensions?: { code?: string } }> }) =>
      r.errors?.[0]?.extensions?.code;
    /** A denied single read must answer exactly like an ID that matches nothing. */
    const single = async (
      field: string,
      type: Parameters<typeof toGlobalId>[0],
      id: number,
    ): Promise<Outcome> => {
      const q = `query($id: ID!) { ${field}(id: $id) { id } }`;
      const r = await as<Record<string, { id: string } | null>>(q, { id: toGlobalId(type, id) });
      if (!r.errors && r.data?.[field]?.id === toGlobalId(type, id)) return { allowed: true };
      const missing = await as(q, { id: toGlobalId(type, 4_000_000_000) });
      const same =
        JSON.stringify(r.errors?.map((e) => [e.message, e.extensions])) ===
        JSON.stringify(missing.errors?.map((e) => [e.message, e.extensions]));
      return {
        allowed: false,
        leaks: same
          ? undefined
          : `the denial differs from a missing object: ${JSON.stringify(r.errors)} vs ${JSON.stringify(missing.errors)}`,
      };
    };
    const listed = async (query: string, id: string, path: string[]): Promise<Outcome> => {
      const r = await as<Record<string, unknown>>(query);
      if (code(r) === "FORBIDDEN") return { allowed: false };
      if (r.errors) throw new Error(`${c.role} ${c.resource} list: ${JSON.stringify(r.errors)}`);
      let nodes: unknown = r.data;
      for (const key of path) nodes = (nodes as Record<string, unknown>)[key];
      return { allowed: (nodes as Array<{ id: string }>).some((n) => n.id === id) };
    };

    switch (`${c.resource}.${c.operation}`) {
      case "unit.read":
        return single("unit", "Unit", w.unit[c.place].id);
      case "unit.list":
        return listed(
          `{ units(first: 100, filter: { code: "M${c.place}" }) { nodes { id } } }`,
          toGlobalId("Unit", w.unit[c.place].id),
          ["units", "nodes"],
        );
      case "plan.read":
        return single("plan", "Plan", w.plan[c.place].id);
      case "plan.list":
        return listed(
          `{ plans(first: 100, filter: { scopeUnitId: "${toGlobalId("Unit", w.unit[c.place].id)}" }) { nodes { id } } }`,
          toGlobalId("Plan", w.plan[c.place].id),
          ["plans", "nodes"],
        );
      case "task.read":
        return single("task", "Task", taskOf(c).id);
      case "task.list":
        return listed(
          `{ tasks(first: 100, filter: { code: "${taskOf(c).code}" }) { nodes { id } } }`,
          toGlobalId("Task", taskOf(c).id),
          ["tasks", "nodes"],
        );
      case "user.read":
        return single("user", "User", userOf(c).id);
      case "user.list":
        return listed(`{ users(first: 100) { nodes { id } } }`, toGlobalId("User", userOf(c).id), [
          "users",
          "nodes",
        ]);
      case "user.create": {
        const before = await app.db.ds.query("SELECT COUNT(*) AS n FROM app_user");
        const r = await as<{
          createUser: { user: { id: string } | null; userErrors: Array<{ code: string }> };
        }>(
          `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }`,
          {
            input: {
              email: `matrix${++seq}@test.backan.gov.vn`,
              displayName: "Người dùng ma trận",
              organizationId: toGlobalId("Organization", orgOf(c).id),
              roles: ["COMMUNE_OFFICER"],
              password: "Một mật khẩu đủ dài 2022",
            },
          },
        );
        const p = r.data?.createUser;
        if (p?.user && p.userErrors.length === 0) return { allowed: true };
        const after = await app.db.ds.query("SELECT COUNT(*) AS n FROM app_user");
        if (after[0].n !== before[0].n) throw new Error("a refused createUser wrote a user");
        return { allowed: false };
      }
      case "user.update":
      case "user.assign": {
        // A fresh target each time, so one cell's change cannot decide another's.
        const target = await makeUser(app.db.ds, { org: orgOf(c), roles: [Role.COMMUNE_OFFICER] });
        const m =
          c.operation === "update"
            ? `mutation($id: ID!) { r: disableUser(id: $id, version: 1) { user { id } userErrors { code } } }`
            : `mutation($id: ID!) { r: setUserRoles(id: $id, roles: [VIEWER], version: 1) { user { id } userErrors { code } } }`;
        const r = await as<{ r: { user: { id: string } | null; userErrors: Array<{ code: string }> } }>(m, {
          id: toGlobalId("User", target.id),
        });
        if (r.errors) throw new Error(`${c.role} user.${c.operation}: ${JSON.stringify(r.errors)}`);
        if (r.data!.r.userErrors.length === 0) return { allowed: true };
        const row = await app.db.ds.query("SELECT status, version FROM app_user WHERE id = ?", [target.id]);
        if (row[0].status !== "active" || Number(row[0].version) !== 1)
          throw new Error("a refused user change was written");
        const codes = r.data!.r.userErrors.map((e) => e.code);
        return {
          allowed: false,
          leaks: codes.every((x) => x === "NOT_FOUND" || x === "FORBIDDEN")
            ? undefined
            : `refused with ${codes.join()}`,
        };
      }
      case "audit_entry.read":
        return single("auditEntry", "AuditEntry", w.audit[c.place]);
      case "audit_entry.list":
        return listed(
          `{ auditEntries(first: 100, filter: { action: "matrix.fixture" }) { nodes { id } } }`,
          toGlobalId("AuditEntry", w.audit[c.place]),
          ["auditEntries", "nodes"],
        );
    }
    /**
     * A workflow mutation on fresh rows: allowed when it answers without userErrors; a refusal
     * must be NOT_FOUND (and answer exactly like a missing ID) where the matrix denies reading the
     * object, FORBIDDEN elsewhere, and must leave the rows as they were.
     */
    const mutate = async (
      rows: { task: Task; assignment: Assignment },
      mutation: string,
      field: string,
      input: (id: string) => Record<string, unknown>,
      id: string,
      missingId: string,
    ): Promise<Outcome> => {
      const before = await snapshot(rows.task.id, rows.assignment.id);
      type P = Record<string, { userErrors: UserErrors }>;
      const m = `mutation($input: ${mutation}) { r: ${field}(input: $input) { userErrors { code message field } } }`;
      const r = await as<P>(m, { input: input(id) });
      if (r.errors) throw new Error(`${c.role} ${field}: ${JSON.stringify(r.errors)}`);
      const errors = r.data!.r.userErrors;
      const after = await snapshot(rows.task.id, rows.assignment.id);
      if (errors.length === 0)
        return {
          allowed: true,
          leaks: after === before ? `${field} answered but changed nothing` : undefined,
        };
      const problems: string[] = [];
      if (after !== before) problems.push(`a refused ${field} changed the database`);
      const expected = readable(c) ? "FORBIDDEN" : "NOT_FOUND";
      const codes = errors.map((e) => e.code);
      if (codes.join() !== expected) problems.push(`expected ${expected}, got ${JSON.stringify(errors)}`);
      if (expected === "NOT_FOUND") {
        const missing = await as<P>(m, { input: input(missingId) });
        if (JSON.stringify(missing.data?.r.userErrors) !== JSON.stringify(errors))
          problems.push(
            `the refusal differs from a missing object: ${JSON.stringify(errors)} vs ${JSON.stringify(missing.data?.r.userErrors)}`,
          );
      }
      return { allowed: false, leaks: problems.length ? problems.join("; ") : undefined };
    };
    const missingAssignment = toGlobalId("Assignment", 4_000_000_000);
    const transition = async (status: AssignmentStatus, action: string, finalReport = false) => {
      const rows = await freshAssignment(c, status, finalReport);
      return mutate(
        rows,
        "TransitionAssignmentInput!",
        "transitionAssignment",
        (assignmentId) => ({
          assignmentId,
          action,
          version: rows.assignment.version,
          reason: "Lý do của ma trận",
        }),
        toGlobalId("Assignment", rows.assignment.id),
        missingAssignment,
      );
    };

    switch (`${c.resource}.${c.operation}`) {
      case "assignment.read":
        return single("node", "Assignment", w.assignment[keyOf(c)].id);
      case "assignment.list": {
        const r = await as<{ task: { assignments: Array<{ id: string }> } | null }>(
          `query($id: ID!) { task(id: $id) { assignments { id } } }`,
          { id: toGlobalId("Task", taskOf(c).id) },
        );
        const seen = r.data?.task?.assignments ?? [];
        return { allowed: seen.some((a) => a.id === toGlobalId("Assignment", w.assignment[keyOf(c)].id)) };
      }
      case "assignment.update":
        return transition(AssignmentStatus.ASSIGNED, "ACCEPT");
      case "assignment.approve": {
        // Both of the assigner's decisions must agree: APPROVE of reported work, PAUSE of running work.
        const approve = await transition(AssignmentStatus.REPORTED, "APPROVE", true);
        const pause = await transition(AssignmentStatus.ACCEPTED, "PAUSE");
        if (approve.allowed !== pause.allowed)
          return {
            allowed: approve.allowed,
            leaks: `APPROVE ${approve.allowed ? "allowed" : "refused"} but PAUSE ${pause.allowed ? "allowed" : "refused"}`,
          };
        return { allowed: approve.allowed, leaks: approve.leaks ?? pause.leaks };
      }
      case "assignment.delete":
        return transition(AssignmentStatus.ACCEPTED, "CANCEL");
      case "task.assign": // delegating a task is delegating from its lead assignment: the same mutation
      case "assignment.assign": {
        const rows = await freshAssignment(c, AssignmentStatus.ACCEPTED);
        const lead = toGlobalId("Organization", w.below[c.place].id);
        return mutate(
          rows,
          "DelegateTaskInput!",
          "delegateTask",
          (taskId) => ({ taskId, version: rows.task.version, subtasks: [{ leadOrganizationId: lead }] }),
          toGlobalId("Task", rows.task.id),
          toGlobalId("Task", 4_000_000_000),
        );
      }
      case "report.read":
        return single("node", "ProgressReport", w.report[keyOf(c)].id);
      case "report.list": {
        const r = await as<{ task: { assignments: Array<{ reports: Array<{ id: string }> }> } | null }>(
          `query($id: ID!) { task(id: $id) { assignments { reports { id } } } }`,
          { id: toGlobalId("Task", taskOf(c).id) },
        );
        const seen = (r.data?.task?.assignments ?? []).flatMap((a) => a.reports);
        return { allowed: seen.some((x) => x.id === toGlobalId("ProgressReport", w.report[keyOf(c)].id)) };
      }
      case "report.create": {
        const rows = await freshAssignment(c, AssignmentStatus.ACCEPTED);
        return mutate(
          rows,
          "SubmitReportInput!",
          "submitReport",
          (assignmentId) => ({
            assignmentId,
            version: rows.assignment.version,
            periodKind: "AD_HOC",
            periodStart: "2022-06-01",
            periodEnd: "2022-06-14",
            percent: "60",
            narrative: "Báo cáo của ma trận",
          }),
          toGlobalId("Assignment", rows.assignment.id),
          missingAssignment,
        );
      }
      case "report.approve": {
        const rows = await freshAssignment(c, AssignmentStatus.REPORTED, true);
        return mutate(
          rows,
          "ReviewReportInput!",
          "reviewReport",
          (reportId) => ({ reportId, version: rows.report!.version, decision: "APPROVE" }),
          toGlobalId("ProgressReport", rows.report!.id),
          toGlobalId("ProgressReport", 4_000_000_000),
        );
      }
    }
    /**
     * A criteria workflow mutation: allowed when it answers without userErrors (and changes
     * `state`); criteria, assessments and recognitions are readable by all, so a refusal must be
     * FORBIDDEN and leave `state` as it was.
     */
    const act = async (
      type: string,
      field: string,
      input: Record<string, unknown>,
      state: () => Promise<unknown>,
    ): Promise<Outcome> => {
      const before = JSON.stringify(await state());
      const r = await as<Record<string, { userErrors: UserErrors }>>(
        `mutation($input: ${type}!) { r: ${field}(input: $input) { userErrors { code message field } } }`,
        { input },
      );
      if (r.errors) throw new Error(`${c.role} ${field}: ${JSON.stringify(r.errors)}`);
      const errors = r.data!.r.userErrors;
      const after = JSON.stringify(await state());
      if (errors.length === 0)
        return {
          allowed: true,
          leaks: after === before ? `${field} answered but changed nothing` : undefined,
        };
      const problems: string[] = [];
      if (after !== before) problems.push(`a refused ${field} changed the database`);
      const expected =
        readable(c) || c.resource === "appraisal" || c.resource === "plan" ? "FORBIDDEN" : "NOT_FOUND";
      if (errors.map((e) => e.code).join() !== expected)
        problems.push(`expected ${expected}, got ${JSON.stringify(errors)}`);
      return { allowed: false, leaks: problems.length ? problems.join("; ") : undefined };
    };
    const q = (sql: string, args: unknown[]) => () => app.db.ds.query(sql, args);
    const unitId = toGlobalId("Unit", w.unit[c.place].id);
    const reviewed = async (stage: AssessmentStage, decision: string) => {
      const a = await freshAssessment(c.place, stage);
      return act(
        "ReviewAssessmentInput",
        "reviewAssessment",
        { assessmentId: toGlobalId("Assessment", a.id), decision, version: 1 },
        q("SELECT stage, version FROM assessment WHERE id = ?", [a.id]),
      );
    };
    const freshRecognition = async () =>
      app.db.ds.getRepository(Recognition).save({
        unitId: w.unit[c.place].id,
        level: recognitionLevelAt(c.place)!,
        standardYear: 2021,
        decidedOn: "2021-12-30",
        sources: [],
      });
    switch (`${c.resource}.${c.operation}`) {
      case "assessment.read":
        return single("assessment", "Assessment", assessmentAt[c.place]);
      case "assessment.list":
        return listed(
          `{ assessments(first: 100, filter: { unitId: "${unitId}" }) { nodes { id } } }`,
          toGlobalId("Assessment", assessmentAt[c.place]),
          ["assessments", "nodes"],
        );
      case "assessment.create": {
        const criterion = await freshCriterion(c.place);
        return act(
          "RecordAssessmentInput",
          "recordAssessment",
          {
            unitId,
            criterionId: toGlobalId("Criterion", criterion.id),
            year: 2022,
            met: true,
            evidence: ["Ma trận"],
          },
          q("SELECT COUNT(*) AS n FROM assessment WHERE criterion_id = ?", [criterion.id]),
        );
      }
      case "assessment.update": {
        const a = await freshAssessment(c.place, AssessmentStage.DISTRICT_CHECKED);
        return act(
          "RecordAssessmentInput",
          "recordAssessment",
          { unitId, criterionId: toGlobalId("Criterion", a.criterionId), year: 2022, met: false, version: 1 },
          q("SELECT stage, met, version FROM assessment WHERE id = ?", [a.id]),
        );
      }
      case "assessment.approve":
        return reviewed(AssessmentStage.SELF, "CHECK");
      case "appraisal.approve":
        return reviewed(
          PLACES[c.place].level === "commune" ? AssessmentStage.DISTRICT_CHECKED : AssessmentStage.SELF,
          "APPRAISE",
        );
      case "recognition.read":
        return single("recognition", "Recognition", recognitionAt[c.place]);
      case "recognition.list":
        return listed(
          `{ recognitions(first: 100, filter: { unitId: "${unitId}" }) { nodes { id } } }`,
          toGlobalId("Recognition", recognitionAt[c.place]),
          ["recognitions", "nodes"],
        );
      case "recognition.create": {
        // Each cell starts from a unit without an active recognition at the level.
        await app.db.ds.query(
          "UPDATE recognition SET revoked_on = '2021-12-31' WHERE unit_id = ? AND id <> ? AND revoked_on IS NULL",
          [w.unit[c.place].id, recognitionAt[c.place]],
        );
        await app.db.ds.query("UPDATE recognition SET level = 'model_ntm' WHERE id = ?", [
          recognitionAt[c.place],
        ]);
        try {
          return await act(
            "RecordRecognitionInput",
            "recordRecognition",
            {
              unitId,
              level: recognitionLevelAt(c.place)!.toUpperCase(),
              decisionNo: `${++seq}/QĐ-UBND`,
              decidedOn: "2022-12-30",
              decidedBy: "Chủ tịch UBND",
              overrideCriteria: true,
              note: "Ma trận",
            },
            q("SELECT COUNT(*) AS n FROM recognition WHERE unit_id = ?", [w.unit[c.place].id]),
          );
        } finally {
          await app.db.ds.query("UPDATE recognition SET level = ? WHERE id = ?", [
            recognitionLevelAt(c.place),
            recognitionAt[c.place],
          ]);
        }
      }
      case "recognition.delete": {
        const r = await freshRecognition();
        return act(
          "RevokeRecognitionInput",
          "revokeRecognition",
          {
            recognitionId: toGlobalId("Recognition", r.id),
            version: 1,
            decisionNo: `${++seq}/QĐ-UBND`,
            revokedOn: "2022-12-30",
            reason: "Ma trận",
          },
          q("SELECT revoked_on, version FROM recognition WHERE id = ?", [r.id]),
        );
      }
      case "disbursement.read":
        return single("node", "FundingDisbursement", disbursementAt[c.place]);
      case "disbursement.list":
        return listed(
          `{ fundingDisbursements(planId: "${toGlobalId("Plan", w.plan[provinceOf(c.place)].id)}", first: 100, filter: { unitId: "${unitId}" }) { nodes { id } } }`,
          toGlobalId("FundingDisbursement", disbursementAt[c.place]),
          ["fundingDisbursements", "nodes"],
        );
      case "disbursement.create":
        return act(
          "RecordDisbursementInput",
          "recordDisbursement",
          {
            planId: toGlobalId("Plan", w.plan[provinceOf(c.place)].id),
            source: "PROVINCIAL",
            recipientUnitId: unitId,
            amountVnd: "2500000",
            disbursedOn: "2022-06-01",
            reference: `Chứng từ ${++seq}/GN`,
          },
          q("SELECT COUNT(*) AS n FROM funding_disbursement WHERE recipient_unit_id = ?", [
            w.unit[c.place].id,
          ]),
        );
      case "plan.update": {
        const e = await app.db.ds.getRepository(RoadmapEntry).save({
          planId: w.plan[c.place].id,
          unitId: w.unit[c.place].id,
          level: RoadmapLevel.NTM,
          year: 2022,
          sources: [],
        });
        return act(
          "SetRoadmapOutcomeInput",
          "setRoadmapOutcome",
          { entryId: toGlobalId("RoadmapEntry", e.id), version: 1, outcome: "MISSED" },
          q("SELECT outcome, version FROM roadmap_entry WHERE id = ?", [e.id]),
        );
      }
    }
    throw new Error(`no HTTP probe for ${c.resource}.${c.operation}`);
  }

  it("has reachable cells for every role, allowed and denied", () => {
    expect(cells.length).toBeGreaterThan(400);
    for (const resource of ["assignment", "report"])
      for (const allowed of [true, false])
        expect(cells.some((c) => c.resource === resource && c.allowed === allowed)).toBe(true);
    expect(cells.some((c) => c.allowed)).toBe(true);
    expect(cells.some((c) => !c.allowed)).toBe(true);
    for (const role of ALL_ROLES) expect(cells.filter((c) => c.role === role).length).toBeGreaterThan(10);
  });

  /** The criteria workflow's cells (and the roadmap's plan.update), run apart to keep each test short. */
  const criteriaCell = (c: MatrixCell) =>
    ["assessment", "appraisal", "recognition"].includes(c.resource) ||
    (c.resource === "plan" && c.operation === "update");

  async function runAll(selected: MatrixCell[]): Promise<string[]> {
    const wrong: string[] = [];
    for (const c of selected) {
      const outcome = await run(c);
      const label = `${c.role} ${c.operation} ${c.resource} (${c.relation}, ${c.place})`;
      if (outcome.allowed !== c.allowed)
        wrong.push(
          `${label}: expected ${c.allowed ? "allow" : "deny"}, got ${outcome.allowed ? "allow" : "deny"}`,
        );
      if (outcome.leaks) wrong.push(`${label}: ${outcome.leaks}`);
    }
    return wrong;
  }

  it("allows exactly what the matrix allows, and a denial never leaks", async () => {
    expect(await runAll(cells.filter((c) => !criteriaCell(c)))).toEqual([]);
  }, 120_000);

  it("does the same for the criteria workflow and the roadmap", async () => {
    const selected = cells.filter(criteriaCell);
    for (const allowed of [true, false]) expect(selected.some((c) => c.allowed === allowed)).toBe(true);
    expect(await runAll(selected)).toEqual([]);
  }, 120_000);
});
