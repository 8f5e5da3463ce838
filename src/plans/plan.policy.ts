import { Field, ObjectType } from "type-graphql";
import { Role } from "../shared/roles";
import { hasRole, inSubtree, type Viewer } from "../shared/viewer";

/**
 * Plans, units, organizations, criteria and recognitions are reference data: every signed-in
 * user reads them. Coordinators (and administrators) run the plans of their territory.
 */
export function coordinates(viewer: Viewer, planScopePath: string): boolean {
  return (
    hasRole(viewer, Role.SYSTEM_ADMIN) ||
    (hasRole(viewer, Role.PROVINCIAL_COORDINATOR) && inSubtree(viewer, planScopePath))
  );
}

@ObjectType({
  description: "What the viewer may do with this plan, from the same policies the server enforces.",
})
export class PlanPermissions {
  @Field()
  read!: boolean;

  @Field({ description: "Edit the plan, its targets, groups and roadmap." })
  update!: boolean;

  @Field({ description: "Create and assign the plan's tasks." })
  createTasks!: boolean;
}

export function planPermissions(viewer: Viewer, planScopePath: string): PlanPermissions {
  const runs = coordinates(viewer, planScopePath);
  return { read: true, update: runs, createTasks: runs };
}
