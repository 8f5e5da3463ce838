import { coordinates } from "../plans/plan.policy";
import { Role } from "../shared/roles";
import { hasRole, type Viewer } from "../shared/viewer";
import type { Actor } from "./assignment.states";

/** Roles that act for their organization (not read-only ones). */
export const ACTING_ROLES = [
  Role.PROVINCIAL_COORDINATOR,
  Role.DEPARTMENT_OFFICER,
  Role.DISTRICT_OFFICER,
  Role.COMMUNE_OFFICER,
  Role.VILLAGE_BOARD_MEMBER,
] as const;

/** What the workflow policy needs to know about one assignment. */
export interface AssignmentFacts {
  orgId: number;
  assigneeUserId: number | null;
  assignerOrgId: number;
  /** Path of the plan's scope unit, for the coordinators' rights. */
  planScopePath: string;
}

/** The assignee acts: an acting member of the assignee organization, or the named member. */
export function actsAsAssignee(viewer: Viewer, a: AssignmentFacts): boolean {
  if (a.assigneeUserId !== null && a.assigneeUserId === viewer.userId) return true;
  return viewer.orgId === a.orgId && hasRole(viewer, ...ACTING_ROLES);
}

/** The assigner acts: an acting member of the assigning organization, or the plan's coordinators. */
export function actsAsAssigner(viewer: Viewer, a: AssignmentFacts): boolean {
  if (coordinates(viewer, a.planScopePath)) return true;
  return viewer.orgId === a.assignerOrgId && hasRole(viewer, ...ACTING_ROLES);
}

export function mayAct(viewer: Viewer, by: Actor, a: AssignmentFacts): boolean {
  return by === "assignee" ? actsAsAssignee(viewer, a) : actsAsAssigner(viewer, a);
}
