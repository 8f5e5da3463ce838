import type { AuditActor } from "../audit/audit";
import type { User } from "../auth/user.entity";
import type { Context } from "../shared/context";
import type { Role } from "../shared/roles";
import type { Viewer } from "../shared/viewer";

/** What the audit log keeps of a user: the fields an administrator changes, never a secret. */
export function userSnapshot(user: User, roles: readonly Role[]) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    orgId: user.orgId,
    status: user.status,
    version: user.version,
    roles: [...roles].sort(),
  };
}

export function auditActor(ctx: Context, viewer: Viewer): AuditActor {
  return { viewer, requestId: ctx.requestId, ip: ctx.ip };
}
