import { In, IsNull } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import type { Context } from "../../shared/context";
import type { Viewer } from "../../shared/viewer";
import type { LogoutPayload } from "../auth.types";
import { RefreshToken } from "../user.entity";

/** Ends the current session (or all of the viewer's sessions): their refresh tokens are revoked and their access tokens stop working. */
export async function logout(ctx: Context, viewer: Viewer, allSessions: boolean): Promise<LogoutPayload> {
  const now = ctx.clock.now();
  return withTransaction(ctx.ds, async (uow) => {
    const repo = uow.manager.getRepository(RefreshToken);
    const where =
      allSessions || viewer.sessionId === null
        ? { userId: viewer.userId, revokedAt: IsNull() }
        : { userId: viewer.userId, familyId: viewer.sessionId, revokedAt: IsNull() };
    const live = await repo.find({ where, select: { familyId: true } });
    const families = [...new Set(live.map((r) => r.familyId))];
    if (families.length > 0) {
      await repo.update({ familyId: In(families), revokedAt: IsNull() }, { revokedAt: now });
      // Cached sessions go in every API process (app/caches.ts).
      uow.afterCommit(() => ctx.caches?.usersChanged([viewer.userId]));
    }
    await recordAudit(
      uow.manager,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: allSessions ? "auth.logout_all" : "auth.logout",
        objectType: "User",
        objectId: viewer.userId,
        scopePath: viewer.unitPath,
        after: { sessionsEnded: families.length },
      },
    );
    return { sessionsEnded: families.length, userErrors: [] };
  });
}
