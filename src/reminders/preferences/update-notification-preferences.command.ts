import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { conflictError, type UserError, userError } from "../../shared/user-errors";
import { loadUserWithFacts } from "../../users/user.loaders";
import { canManageNotificationPreferences, canReadUser } from "../../users/user.policy";
import { NotificationPreferences } from "./notification-preferences.entity";
import { type Preferences, preferencesFromRow, preferencesProblems } from "./preferences";
import {
  type NotificationPreferencesPayload,
  preferencesView,
  type UpdateNotificationPreferencesInput,
} from "./preferences.types";

/**
 * Replaces a user's notification preferences: the viewer's own, or (system administrators) another
 * readable user's. Refusals are userErrors and change nothing: a malformed ID (BAD_USER_INPUT), a
 * user outside the viewer's scope or missing (NOT_FOUND), someone else's preferences for anyone
 * but an administrator (FORBIDDEN), bad hours (BAD_USER_INPUT), a stale version (CONFLICT). The
 * row is written with its version check and an audit entry in one transaction. Nothing is queued:
 * the reconciler (every 5 minutes) derives digests and held-back e-mails from the stored row.
 */
export async function updateNotificationPreferences(
  ctx: Context,
  input: UpdateNotificationPreferencesInput,
): Promise<NotificationPreferencesPayload> {
  const viewer = requireViewer(ctx);
  const fail = (...e: UserError[]): NotificationPreferencesPayload => ({ preferences: null, userErrors: e });
  let userId = viewer.userId;
  if (input.userId !== undefined && input.userId !== null) {
    const parsed = parseGlobalId(input.userId);
    if (!parsed || parsed.type !== "User")
      return fail(userError("BAD_USER_INPUT", "userId is not a valid User ID", ["input", "userId"]));
    userId = parsed.id;
  }
  const target = await loadUserWithFacts(ctx.ds.manager, userId);
  if (!target || !canReadUser(viewer, { userId, orgUnitPath: target.orgUnitPath }))
    return fail(userError("NOT_FOUND", "User not found", ["input", "userId"]));
  if (!canManageNotificationPreferences(viewer, { userId, orgUnitPath: target.orgUnitPath }))
    return fail(
      userError("FORBIDDEN", "Only the user or an administrator sets these preferences", ["input", "userId"]),
    );
  const problems = preferencesProblems(input);
  if (problems.length) return fail(...problems);
  if (!Number.isInteger(input.version) || input.version < 0)
    return fail(userError("BAD_USER_INPUT", "version must be a whole number from 0", ["input", "version"]));

  const start = input.quietHoursStart ?? null;
  const end = input.quietHoursEnd ?? null;
  const next: Preferences = {
    emailEnabled: input.emailEnabled,
    emailMode: input.emailMode,
    digestLocalHour: input.digestLocalHour,
    quietHours: start !== null && end !== null ? { start, end } : null,
  };
  return withTransaction(ctx.ds, async (uow) => {
    const m = uow.manager;
    const repo = m.getRepository(NotificationPreferences);
    const row = await repo
      .createQueryBuilder("p")
      .setLock("pessimistic_write")
      .where("p.user_id = :userId", { userId })
      .getOne();
    const current = row?.version ?? 0;
    if (current !== input.version) return fail(conflictError("notification preferences", current));
    const values = {
      emailEnabled: next.emailEnabled,
      emailMode: next.emailMode,
      digestLocalHour: next.digestLocalHour,
      quietStartHour: start,
      quietEndHour: end,
    };
    if (row) {
      await repo
        .createQueryBuilder()
        .update()
        .set({ ...values, version: () => "version + 1" })
        .where("user_id = :userId AND version = :version", { userId, version: current })
        .execute();
    } else {
      // Two first writes at once: the second finds the key taken and is told to reload.
      const res: { affectedRows?: number } = await m.query(
        `INSERT IGNORE INTO notification_preferences
           (user_id, email_enabled, email_mode, digest_local_hour, quiet_start_hour, quiet_end_hour, version)
         VALUES (?, ?, ?, ?, ?, ?, 1)`,
        [userId, values.emailEnabled, values.emailMode, values.digestLocalHour, start, end],
      );
      if (res.affectedRows !== 1) return fail(conflictError("notification preferences", 1));
    }
    await recordAudit(
      m,
      { viewer, requestId: ctx.requestId, ip: ctx.ip },
      {
        action: "user.set_notification_preferences",
        objectType: "User",
        objectId: userId,
        scopePath: target.orgUnitPath,
        before: row ? preferencesFromRow(row) : null,
        after: next,
      },
    );
    return { preferences: preferencesView(next, current + 1, ctx.timeZone), userErrors: [] };
  });
}
