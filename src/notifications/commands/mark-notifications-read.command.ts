import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { parseGlobalId } from "../../shared/ids";
import { type UserError, userError } from "../../shared/user-errors";
import { markRead, ownNotifications } from "../notification.store";
import type { MarkNotificationsReadPayload } from "../notification.types";

export const MAX_MARK_READ = 100;

/**
 * Marks some of the viewer's notifications read. Every problem is a userError and nothing changes:
 * a malformed or non-Notification ID (BAD_USER_INPUT), one that is missing or someone else's
 * (NOT_FOUND, the two look the same). Marking a read notification again keeps its first time.
 */
export async function markNotificationsRead(
  ctx: Context,
  ids: string[],
): Promise<MarkNotificationsReadPayload> {
  const viewer = requireViewer(ctx);
  const fail = (errors: UserError[]): MarkNotificationsReadPayload => ({
    notifications: [],
    userErrors: errors,
  });
  if (ids.length === 0 || ids.length > MAX_MARK_READ)
    return fail([userError("BAD_USER_INPUT", `Give 1 to ${MAX_MARK_READ} notification IDs`, ["ids"])]);

  const errors: UserError[] = [];
  const wanted: number[] = [];
  ids.forEach((gid, i) => {
    const p = parseGlobalId(gid);
    if (!p || p.type !== "Notification")
      errors.push(userError("BAD_USER_INPUT", "Not a valid Notification ID", ["ids", String(i)]));
    else wanted.push(p.id);
  });
  if (errors.length) return fail(errors);

  return withTransaction(ctx.ds, async ({ manager, afterCommit }) => {
    const unique = [...new Set(wanted)];
    const mine = new Set((await ownNotifications(manager, viewer.userId, unique)).map((n) => n.id));
    wanted.forEach((id, i) => {
      if (!mine.has(id)) errors.push(userError("NOT_FOUND", "Notification not found", ["ids", String(i)]));
    });
    if (errors.length) return fail(errors);
    await markRead(manager, viewer.userId, unique, ctx.clock.now());
    // Live unread counts (the viewer's other tabs and devices) are recounted once this commits.
    afterCommit(() => ctx.live?.publish([{ type: "read", userId: viewer.userId }]));
    const after = new Map((await ownNotifications(manager, viewer.userId, unique)).map((n) => [n.id, n]));
    return { notifications: unique.map((id) => after.get(id)!), userErrors: [] };
  });
}
