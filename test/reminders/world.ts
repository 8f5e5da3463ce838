import type { DataSource } from "typeorm";
import type { User } from "../../src/auth/user.entity";
import { UserStatus } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import type { Plan } from "../../src/plans/plan.entity";
import type { ReminderDeps } from "../../src/reminders/reminder-deps";
import { FixedClock } from "../../src/shared/clock";
import { Role } from "../../src/shared/roles";
import type { Assignment } from "../../src/workflow/assignment.entity";
import { AssignmentStatus } from "../../src/workflow/assignment.states";
import { makeAssignment, makeOrg, makePlan, makeTask, makeTree, makeUser } from "../factories";

/**
 * A province running a plan: its Coordination Office (one coordinator), a district People's
 * Committee that assigns work (one officer), and a commune People's Committee that receives it
 * (two officers, a read-only viewer and a disabled officer). A coordinator of another province
 * must never hear about this plan.
 */
export interface ReminderWorld {
  plan: Plan;
  assignee: Organization;
  assigner: Organization;
  coordinator: User;
  assignerOfficer: User;
  assigneeOfficers: [User, User];
  assigneeViewer: User;
  disabledOfficer: User;
  foreignCoordinator: User;
  /** An assignment of a new task of the plan, due `dueDate`, lead by the commune. */
  assignment(dueDate: string | null, status?: AssignmentStatus): Promise<Assignment>;
}

export async function makeReminderWorld(ds: DataSource): Promise<ReminderWorld> {
  const tree = await makeTree(ds, 1, 1, 0, "Nhắc");
  const office = await makeOrg(ds, {
    unit: tree.province,
    name: "Văn phòng Điều phối nông thôn mới tỉnh",
    kind: OrganizationKind.COORDINATION_OFFICE,
  });
  const assigner = await makeOrg(ds, { unit: tree.districts[0] });
  const assignee = await makeOrg(ds, { unit: tree.communes[0][0] });
  const elsewhere = await makeTree(ds, 1, 0, 0, "Khác");
  const foreignOffice = await makeOrg(ds, {
    unit: elsewhere.province,
    kind: OrganizationKind.COORDINATION_OFFICE,
  });
  const plan = await makePlan(ds, { scope: tree.province });
  const world: ReminderWorld = {
    plan,
    assignee,
    assigner,
    coordinator: await makeUser(ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] }),
    assignerOfficer: await makeUser(ds, { org: assigner, roles: [Role.DISTRICT_OFFICER] }),
    assigneeOfficers: [
      await makeUser(ds, { org: assignee, roles: [Role.COMMUNE_OFFICER] }),
      await makeUser(ds, { org: assignee, roles: [Role.COMMUNE_OFFICER, Role.VIEWER] }),
    ],
    assigneeViewer: await makeUser(ds, { org: assignee, roles: [Role.VIEWER] }),
    disabledOfficer: await makeUser(ds, {
      org: assignee,
      roles: [Role.COMMUNE_OFFICER],
      status: UserStatus.DISABLED,
    }),
    foreignCoordinator: await makeUser(ds, { org: foreignOffice, roles: [Role.PROVINCIAL_COORDINATOR] }),
    async assignment(dueDate, status = AssignmentStatus.IN_PROGRESS) {
      const task = await makeTask(ds, { plan, lead: assignee, dueDate, title: "Cứng hóa đường trục thôn" });
      return makeAssignment(ds, { task, org: assignee, assigner, status });
    },
  };
  return world;
}

/** Handler dependencies on a clock the test sets. */
export function reminderDeps(
  ds: DataSource,
  now: string,
  lookaheadHours = 36,
): ReminderDeps & { clock: FixedClock } {
  return { ds, clock: new FixedClock(new Date(now)), timeZone: "Asia/Ho_Chi_Minh", lookaheadHours };
}

/** Resolves when `check` returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Notifications and in-app deliveries per user id. */
export async function deliveriesByUser(
  ds: DataSource,
  assignmentId: number,
): Promise<Record<number, string[]>> {
  const rows: Array<{ recipient_user_id: number; kind: string }> = await ds.query(
    "SELECT recipient_user_id, kind FROM reminder_delivery WHERE assignment_id = ? ORDER BY id",
    [assignmentId],
  );
  const out: Record<number, string[]> = {};
  for (const r of rows) (out[Number(r.recipient_user_id)] ??= []).push(r.kind);
  return out;
}
