import { recordAudit } from "../../audit/audit";
import { User, UserRole } from "../../auth/user.entity";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { ErrorCode } from "../../shared/errors";
import { decodeId } from "../../shared/ids";
import type { Role } from "../../shared/roles";
import { userError } from "../../shared/user-errors";
import { auditActor, userSnapshot } from "../user.audit";
import { canChangeRolesOf, canGrantRoles } from "../user.policy";
import type { UpdateUserPayload } from "../user.types";
import { authorizeTarget, updateIfVersion } from "./user-target";

export interface SetUserRolesInput {
  /** Global ID of the user. */
  id: string;
  /** The complete new set of roles (replaces the old one). */
  roles: Role[];
  /** The version the client last read. */
  version: number;
}

/**
 * Replaces a user's roles. The viewer must manage the user (and so could grant every role they
 * hold now) and may grant every new role. Takes effect on the user's next request.
 */
export async function setUserRoles(ctx: Context, input: SetUserRolesInput): Promise<UpdateUserPayload> {
  const viewer = requireViewer(ctx);
  const userId = decodeId("User", input.id);
  const roles = [...new Set(input.roles)].sort();
  if (roles.length === 0) {
    return {
      user: null,
      userErrors: [userError(ErrorCode.BAD_USER_INPUT, "roles must hold at least one role", ["roles"])],
    };
  }
  const checked = await authorizeTarget(
    ctx,
    viewer,
    userId,
    input.version,
    canChangeRolesOf,
    "You may not change this user's roles",
  );
  if (!checked.ok) return { user: null, userErrors: checked.userErrors };
  if (!canGrantRoles(viewer, roles)) {
    return {
      user: null,
      userErrors: [userError(ErrorCode.FORBIDDEN, "You may not grant these roles", ["roles"])],
    };
  }
  const { user: before, orgUnitPath, roles: oldRoles } = checked.target;
  if (oldRoles.join(",") === roles.join(",")) return { user: before, userErrors: [] }; // nothing to change

  return withTransaction(ctx.ds, async (uow) => {
    const stale = await updateIfVersion(uow.manager, userId, input.version, {});
    if (stale) return { user: null, userErrors: [stale] };
    // The user's cached viewer (with the old roles) goes in every API process.
    uow.afterCommit(() => ctx.caches?.usersChanged([userId]));
    const roleRepo = uow.manager.getRepository(UserRole);
    await roleRepo.delete({ userId });
    await roleRepo.insert(roles.map((role) => ({ userId, role })));
    const after = await uow.manager.getRepository(User).findOneByOrFail({ id: userId });
    await recordAudit(uow.manager, auditActor(ctx, viewer), {
      action: "user.set_roles",
      objectType: "User",
      objectId: userId,
      scopePath: orgUnitPath,
      before: userSnapshot(before, oldRoles),
      after: userSnapshot(after, roles),
    });
    return { user: after, userErrors: [] };
  });
}
