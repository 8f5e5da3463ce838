import { taskScopeOf } from "../tasks/task.policy";
import type { Viewer } from "../shared/viewer";
import { coordinates } from "../plans/plan.policy";

/**
 * Criteria, recognitions and plans are reference data: every signed-in user reads a unit's
 * criteria figures. The task side (assignments, timeliness, per organization) follows the task
 * read scope: everything for an administrator, the units of one's subtree for territorial roles,
 * nothing aggregated for involvement-only viewers (a department sees its tasks in the task lists).
 */
export function canReadTaskFigures(viewer: Viewer, unitPath: string): boolean {
  const scope = taskScopeOf(viewer);
  if (scope.kind === "all") return true;
  if (scope.kind === "subtree") return unitPath.startsWith(scope.path);
  return false;
}

/** Rebuilding a plan's figures on demand: the plan's coordinators and administrators. */
export function canRebuildProgress(viewer: Viewer, planScopePath: string): boolean {
  return coordinates(viewer, planScopePath);
}
