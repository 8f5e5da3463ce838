import type { EntityManager } from "typeorm";
import { updateIfVersion as updateVersioned } from "../../db/versioned-update";
import { User } from "../../auth/user.entity";
import type { Context } from "../../shared/context";
import { ErrorCode } from "../../shared/errors";
import { type UserError, userError } from "../../shared/user-errors";
import type { Viewer } from "../../shared/viewer";
import { loadUserWithFacts, type UserWithFacts } from "../user.loaders";
import { canReadUser, type ManagedUser } from "../user.policy";

export type TargetResult = { ok: true; target: UserWithFacts } | { ok: false; userErrors: UserError[] };

export function conflict(sent: number, current: number): UserError {
  return userError(
    ErrorCode.CONFLICT,
    `The user was changed by someone else: you sent version ${sent}, the current version is ${current}. Reload and try again.`,
    ["version"],
  );
}

/**
 * Loads the user a command acts on and checks the viewer may: one outside the viewer's scope
 * answers exactly like a missing one (NOT_FOUND on `id`); a visible one the viewer may not
 * change is FORBIDDEN; a stale `version` is a CONFLICT.
 */
export async function authorizeTarget(
  ctx: Context,
  viewer: Viewer,
  userId: number,
  version: number,
  may: (viewer: Viewer, target: ManagedUser) => boolean,
  forbidden: string,
): Promise<TargetResult> {
  const found = await loadUserWithFacts(ctx.ds.manager, userId);
  if (!found || !canReadUser(viewer, { userId, orgUnitPath: found.orgUnitPath })) {
    return { ok: false, userErrors: [userError(ErrorCode.NOT_FOUND, "User not found", ["id"])] };
  }
  if (!may(viewer, { userId, orgUnitPath: found.orgUnitPath, roles: found.roles })) {
    return { ok: false, userErrors: [userError(ErrorCode.FORBIDDEN, forbidden, ["id"])] };
  }
  if (found.user.version !== version)
    return { ok: false, userErrors: [conflict(version, found.user.version)] };
  return { ok: true, target: found };
}

/**
 * The optimistic-concurrency write: `UPDATE app_user SET ..., version = version + 1 WHERE id = ?
 * AND version = ?`. Returns null when it changed the row, else the CONFLICT to report.
 */
export async function updateIfVersion(
  manager: EntityManager,
  userId: number,
  version: number,
  set: Partial<Pick<User, "status">>,
): Promise<UserError | null> {
  const result = await updateVersioned(manager, User, userId, version, set);
  if (result.ok) return null;
  return result.current > 0
    ? conflict(version, result.current)
    : userError(ErrorCode.NOT_FOUND, "User not found", ["id"]);
}
