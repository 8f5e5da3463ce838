import { IsNull } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { RefreshToken, User, UserStatus } from "../../auth/user.entity";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { decodeId } from "../../shared/ids";
import { auditActor, userSnapshot } from "../user.audit";
import { canDisableUser } from "../user.policy";
import type { UpdateUserPayload } from "../user.types";
import { authorizeTarget, updateIfVersion } from "./user-target";

export interface SetUserStatusInput {
  /** Global ID of the user. */
  id: string;
  /** The version the client last read. */
  version: number;
}

async function setUserStatus(
  ctx: Context,
  input: SetUserStatusInput,
  status: UserStatus,
): Promise<UpdateUserPayload> {
  const viewer = requireViewer(ctx);
  const userId = decodeId("User", input.id);
  const disabling = status === UserStatus.DISABLED;
  const checked = await authorizeTarget(
    ctx,
    viewer,
    userId,
    input.version,
    canDisableUser,
    disabling ? "You may not disable this user" : "You may not enable this user",
  );
  if (!checked.ok) return { user: null, userErrors: checked.userErrors };
  const { user: before, orgUnitPath, roles } = checked.target;
  if (before.status === status) return { user: before, userErrors: [] }; // already so: nothing to write

  const now = ctx.clock.now();
  return withTransaction(ctx.ds, async (uow) => {
    const stale = await updateIfVersion(uow.manager, userId, input.version, { status });
    if (stale) return { user: null, userErrors: [stale] };
    uow.afterCommit(() => ctx.caches?.usersChanged([userId]));
    let sessionsEnded = 0;
    if (disabling) {
      const revoked = await uow.manager
        .getRepository(RefreshToken)
        .update({ userId, revokedAt: IsNull() }, { revokedAt: now });
      sessionsEnded = revoked.affected ?? 0;
    }
    const after = await uow.manager.getRepository(User).findOneByOrFail({ id: userId });
    await recordAudit(uow.manager, auditActor(ctx, viewer), {
      action: disabling ? "user.disable" : "user.enable",
      objectType: "User",
      objectId: userId,
      scopePath: orgUnitPath,
      before: userSnapshot(before, roles),
      after: disabling
        ? { ...userSnapshot(after, roles), refreshTokensRevoked: sessionsEnded }
        : userSnapshot(after, roles),
    });
    return { user: after, userErrors: [] };
  });
}

/** Disables a user: they can no longer sign in, and every refresh token they hold is revoked. */
export function disableUser(ctx: Context, input: SetUserStatusInput): Promise<UpdateUserPayload> {
  return setUserStatus(ctx, input, UserStatus.DISABLED);
}

/** Re-enables a disabled user; they sign in again with their password. */
export function enableUser(ctx: Context, input: SetUserStatusInput): Promise<UpdateUserPayload> {
  return setUserStatus(ctx, input, UserStatus.ACTIVE);
}
