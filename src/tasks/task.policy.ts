import { Field, ObjectType } from "type-graphql";
import { Role } from "../shared/roles";
import { coordinates } from "../plans/plan.policy";
import { hasRole, type Viewer } from "../shared/viewer";

/**
 * Which tasks a viewer may read (the list scope beside the object policy):
 * - everything, for a system administrator;
 * - a subtree of the administrative tree: tasks that concern a unit there or whose lead or
 *   cooperating organization sits there (coordinators and leaders: the province; district,
 *   commune and village users: their own unit);
 * - involvement: tasks their organization leads or cooperates on, and the sub-tasks delegated
 *   from those (departments, and anyone at the province level without a province-wide role).
 */
export type TaskScope =
  | { kind: "all" }
  | { kind: "subtree"; path: string }
  | { kind: "involvement"; orgId: number }
  | { kind: "none" };

export function taskScopeOf(viewer: Viewer): TaskScope {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return { kind: "all" };
  if (hasRole(viewer, Role.PROVINCIAL_COORDINATOR, Role.PROVINCIAL_LEADER))
    return { kind: "subtree", path: viewer.unitPath };
  if (hasRole(viewer, Role.DEPARTMENT_OFFICER)) return { kind: "involvement", orgId: viewer.orgId };
  if (hasRole(viewer, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.VILLAGE_BOARD_MEMBER, Role.VIEWER)) {
    // A body at the province level (a department's viewer) has no territory of its own below the province.
    return viewer.unitLevel === "province"
      ? { kind: "involvement", orgId: viewer.orgId }
      : { kind: "subtree", path: viewer.unitPath };
  }
  return { kind: "none" };
}

/** What the read policy needs to know about one task. */
export interface TaskFacts {
  /** Paths of the units the task concerns, of its lead's unit and of its cooperators' units. */
  touchedUnitPaths: string[];
  /** Organizations leading or cooperating on the task or on any task it was delegated from. */
  involvedOrgIds: number[];
}

export function canReadTask(viewer: Viewer, facts: TaskFacts): boolean {
  const scope = taskScopeOf(viewer);
  switch (scope.kind) {
    case "all":
      return true;
    case "subtree":
      return facts.touchedUnitPaths.some((p) => p.startsWith(scope.path));
    case "involvement":
      return facts.involvedOrgIds.includes(scope.orgId);
    case "none":
      return false;
  }
}

/** What the write policies need about one (readable) task. */
export interface TaskWriteFacts {
  leadOrgId: number | null;
  /** Lead of the task it was delegated from; null for a task of the plan itself. */
  parentLeadOrgId: number | null;
  /** Path of the plan's scope unit (the province for 125/KH-UBND). */
  planScopePath: string;
  /** Level of the lead organization's unit: where the task sits in the tree (null without a lead). */
  leadUnitLevel: Viewer["unitLevel"] | null;
}

const OFFICER_ROLES = [
  Role.PROVINCIAL_COORDINATOR,
  Role.DEPARTMENT_OFFICER,
  Role.DISTRICT_OFFICER,
  Role.COMMUNE_OFFICER,
  Role.VILLAGE_BOARD_MEMBER,
];

/** The lead organization's officers own the task: they update it and delegate it down. */
function leads(viewer: Viewer, f: TaskWriteFacts): boolean {
  return f.leadOrgId !== null && f.leadOrgId === viewer.orgId && hasRole(viewer, ...OFFICER_ROLES);
}

/** The assigner approves: the lead of the parent task, or the coordinators for a task of the plan. */
function assigns(viewer: Viewer, f: TaskWriteFacts): boolean {
  if (f.parentLeadOrgId === null) return coordinates(viewer, f.planScopePath);
  return (
    (f.parentLeadOrgId === viewer.orgId && hasRole(viewer, ...OFFICER_ROLES)) ||
    coordinates(viewer, f.planScopePath)
  );
}

export function canUpdateTask(viewer: Viewer, f: TaskWriteFacts): boolean {
  return coordinates(viewer, f.planScopePath) || leads(viewer, f);
}

/**
 * The level a viewer hands work down from (province coordinators, district and commune officers);
 * null for those who never delegate (departments, village boards, read-only roles).
 */
export function delegatesFrom(viewer: Viewer): Viewer["unitLevel"] | null {
  if (viewer.unitLevel === "province" && hasRole(viewer, Role.PROVINCIAL_COORDINATOR)) return "province";
  if (viewer.unitLevel === "district" && hasRole(viewer, Role.DISTRICT_OFFICER)) return "district";
  if (viewer.unitLevel === "commune" && hasRole(viewer, Role.COMMUNE_OFFICER)) return "commune";
  return null;
}

/**
 * Delegating a task: its owners (or the plan's coordinators), and only from the level the viewer
 * hands work down from — the same hierarchy canAssignTo enforces on each assignee, so viewerCan
 * never offers a delegation that every target would refuse.
 */
export function canAssignTask(viewer: Viewer, f: TaskWriteFacts): boolean {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return true;
  const owns = coordinates(viewer, f.planScopePath) || leads(viewer, f);
  return owns && f.leadUnitLevel !== null && delegatesFrom(viewer) === f.leadUnitLevel;
}

export function canApproveTask(viewer: Viewer, f: TaskWriteFacts): boolean {
  return assigns(viewer, f);
}

export function canDeleteTask(viewer: Viewer, f: TaskWriteFacts): boolean {
  return coordinates(viewer, f.planScopePath);
}

/**
 * Who may assign to whom follows the hierarchy: the province to departments and districts, a
 * district to its communes, a commune to its villages and its boards. `fromUnitPath` is the
 * assigner organization's unit, `to` the assignee organization's unit and kind.
 */
export function canAssignTo(
  viewer: Viewer,
  to: { unitPath: string; unitLevel: Viewer["unitLevel"]; orgId: number },
): boolean {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return true;
  if (to.orgId === viewer.orgId || !to.unitPath.startsWith(viewer.unitPath)) return false;
  const down: Record<Viewer["unitLevel"], Array<Viewer["unitLevel"]>> = {
    province: ["province", "district"],
    district: ["commune"],
    commune: ["commune", "village"],
    village: [],
  };
  const allowed = down[viewer.unitLevel].includes(to.unitLevel);
  if (viewer.unitLevel === "province") return allowed && hasRole(viewer, Role.PROVINCIAL_COORDINATOR);
  if (viewer.unitLevel === "district") return allowed && hasRole(viewer, Role.DISTRICT_OFFICER);
  if (viewer.unitLevel === "commune") return allowed && hasRole(viewer, Role.COMMUNE_OFFICER);
  return false;
}

@ObjectType({
  description: "What the viewer may do with this task, from the same policies the server enforces.",
})
export class TaskPermissions {
  @Field()
  read!: boolean;

  @Field()
  update!: boolean;

  @Field({ description: "Delegate it down the hierarchy (giao, phân công)." })
  assign!: boolean;

  @Field({ description: "Approve or send back its reports (as the assigner)." })
  approve!: boolean;

  @Field()
  delete!: boolean;
}

export function taskPermissions(viewer: Viewer, f: TaskWriteFacts): TaskPermissions {
  return {
    read: true,
    update: canUpdateTask(viewer, f),
    assign: canAssignTask(viewer, f),
    approve: canApproveTask(viewer, f),
    delete: canDeleteTask(viewer, f),
  };
}
