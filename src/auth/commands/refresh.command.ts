import { IsNull } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import type { Context } from "../../shared/context";
import { userError } from "../../shared/user-errors";
import type { AuthPayload } from "../auth.types";
import { issueTokens } from "../session";
import { hashRefreshToken } from "../tokens";
import { RefreshToken, User, UserStatus } from "../user.entity";
import { scopePathOfUser } from "../user.scope";

const INVALID = () =>
  userError("INVALID_REFRESH_TOKEN", "The refresh token is invalid, expired or already used; sign in again", [
    "refreshToken",
  ]);

/**
 * Rotates a refresh token: the presented one is retired (once: a conditional UPDATE) and a new one
 * of the same family is issued. Presenting a retired token again means it was copied: the whole
 * family is revoked and its holder must sign in again.
 */
export async function refreshSession(ctx: Context, refreshToken: string): Promise<AuthPayload> {
  const now = ctx.clock.now();
  if (refreshToken.length < 20 || refreshToken.length > 200) return { tokens: null, userErrors: [INVALID()] };
  const hash = hashRefreshToken(refreshToken);
  return withTransaction(ctx.ds, async (uow) => {
    const repo = uow.manager.getRepository(RefreshToken);
    const row = await repo.findOne({ where: { tokenHash: hash } });
    if (!row) return { tokens: null, userErrors: [INVALID()] };
    const user = await uow.manager.getRepository(User).findOneOrFail({ where: { id: row.userId } });
    const actor = {
      viewer: null,
      actorUserId: user.id,
      actorEmail: user.email,
      requestId: ctx.requestId,
      ip: ctx.ip,
    };
    const scopePath = await scopePathOfUser(uow.manager, user);

    const claimed =
      row.revokedAt === null && row.expiresAt > now
        ? (await repo.update({ id: row.id, revokedAt: IsNull() }, { revokedAt: now })).affected === 1
        : false;
    if (!claimed) {
      if (row.revokedAt !== null && row.replacedById !== null) {
        // Reuse of a token already rotated: it was copied. End the whole family.
        await repo.update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: now });
        uow.afterCommit(() => ctx.caches?.usersChanged([user.id]));
        await recordAudit(uow.manager, actor, {
          action: "auth.refresh_reuse_detected",
          objectType: "User",
          objectId: user.id,
          scopePath,
        });
      }
      return { tokens: null, userErrors: [INVALID()] };
    }
    if (user.status !== UserStatus.ACTIVE) {
      await repo.update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: now });
      uow.afterCommit(() => ctx.caches?.usersChanged([user.id]));
      return {
        tokens: null,
        userErrors: [userError("ACCOUNT_DISABLED", "This account is disabled; ask your administrator")],
      };
    }
    const { tokens, refreshId } = await issueTokens(uow.manager, ctx.config, user, now, row.familyId);
    await repo.update(row.id, { replacedById: refreshId });
    await recordAudit(uow.manager, actor, {
      action: "auth.refresh",
      objectType: "User",
      objectId: user.id,
      scopePath,
    });
    return { tokens, userErrors: [] };
  });
}
