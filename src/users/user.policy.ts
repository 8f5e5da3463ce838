import { Field, ObjectType } from "type-graphql";
import { Role } from "../shared/roles";
import { hasRole, inSubtree, type Viewer } from "../shared/viewer";

/**
 * Which users a viewer may read (the list scope beside the object policy):
 * - everyone, for a system administrator;
 * - the users of organizations in their unit's subtree, for a provincial coordinator;
 * - only themselves, for everyone else.
 */
export type UserScope =
  { kind: "all" } | { kind: "subtree"; path: string } | { kind: "self"; userId: number };

export function usersVisibleTo(viewer: Viewer): UserScope {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return { kind: "all" };
  if (hasRole(viewer, Role.PROVINCIAL_COORDINATOR)) return { kind: "subtree", path: viewer.unitPath };
  return { kind: "self", userId: viewer.userId };
}

/** What the read policy needs to know about a user: who, and where their organization sits. */
export interface UserTarget {
  userId: number;
  /** Path of the unit the user's organization serves. */
  orgUnitPath: string;
}

export function canReadUser(viewer: Viewer, target: UserTarget): boolean {
  const scope = usersVisibleTo(viewer);
  switch (scope.kind) {
    case "all":
      return true;
    case "subtree":
      return target.orgUnitPath.startsWith(scope.path);
    case "self":
      return target.userId === scope.userId;
  }
}

/** Who may create, disable and re-role the users of organizations serving `orgUnitPath`. */
export function canManageUsersOf(viewer: Viewer, orgUnitPath: string): boolean {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return true;
  return hasRole(viewer, Role.PROVINCIAL_COORDINATOR) && inSubtree(viewer, orgUnitPath);
}

/** Administrators grant any role; coordinators any role but SYSTEM_ADMIN; nobody else any. */
export function canGrantRoles(viewer: Viewer, roles: readonly Role[]): boolean {
  if (hasRole(viewer, Role.SYSTEM_ADMIN)) return true;
  if (!hasRole(viewer, Role.PROVINCIAL_COORDINATOR)) return false;
  return !roles.includes(Role.SYSTEM_ADMIN);
}

/** What the write policies need about one (readable) user: where, and which roles they hold now. */
export interface ManagedUser extends UserTarget {
  roles: readonly Role[];
}

/**
 * Managing an existing user: their organization is in the viewer's management scope, and the
 * viewer could grant every role the user holds (a coordinator does not manage an administrator).
 */
export function canManageUser(viewer: Viewer, target: ManagedUser): boolean {
  return canManageUsersOf(viewer, target.orgUnitPath) && canGrantRoles(viewer, target.roles);
}

/** Disabling: a manager may, but never their own account (no one locks themselves out). */
export function canDisableUser(viewer: Viewer, target: ManagedUser): boolean {
  return target.userId !== viewer.userId && canManageUser(viewer, target);
}

/** Changing roles: a manager may, but not their own (no self-promotion, no self-demotion). */
export function canChangeRolesOf(viewer: Viewer, target: ManagedUser): boolean {
  return target.userId !== viewer.userId && canManageUser(viewer, target);
}

/**
 * A user's notification preferences (reminder e-mails, digest, quiet hours): their own, or any
 * readable user's for a system administrator (coordinators manage accounts, not how people are told).
 */
export function canManageNotificationPreferences(viewer: Viewer, target: UserTarget): boolean {
  return (
    target.userId === viewer.userId || (hasRole(viewer, Role.SYSTEM_ADMIN) && canReadUser(viewer, target))
  );
}

@ObjectType({
  description: "What the viewer may do with this user, from the same policies the server enforces.",
})
export class UserPermissions {
  @Field({ description: "Edit the account." })
  update!: boolean;

  @Field({ description: "Disable or re-enable the account." })
  disable!: boolean;

  @Field({ description: "Change the account's roles." })
  changeRoles!: boolean;
}

export function userPermissions(viewer: Viewer, target: ManagedUser): UserPermissions {
  return {
    update: canManageUser(viewer, target),
    disable: canDisableUser(viewer, target),
    changeRoles: canChangeRolesOf(viewer, target),
  };
}
