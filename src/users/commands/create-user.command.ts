import { isEmail } from "class-validator";
import type { EntityManager } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { hashPassword, passwordProblem } from "../../auth/password";
import { User, UserRole, UserStatus } from "../../auth/user.entity";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { ErrorCode } from "../../shared/errors";
import { decodeId } from "../../shared/ids";
import type { Role } from "../../shared/roles";
import { normalizeName } from "../../shared/text";
import { type UserError, userError } from "../../shared/user-errors";
import { auditActor, userSnapshot } from "../user.audit";
import type { CreateUserInput } from "../user.inputs";
import { canGrantRoles, canManageUsersOf } from "../user.policy";
import type { CreateUserPayload } from "../user.types";

const EMAIL_TAKEN = () =>
  userError("EMAIL_TAKEN", "A user with this e-mail already exists", ["input", "email"]);

/** True for the unique-key violation on app_user.email (two requests creating the same e-mail at once). */
export function isDuplicateEmail(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown };
  const code = e.code ?? e.driverError?.code;
  return code === "ER_DUP_ENTRY" && typeof e.message === "string" && e.message.includes("uq_app_user_email");
}

async function organizationFacts(
  manager: EntityManager,
  orgId: number,
): Promise<{ active: boolean; path: string } | null> {
  const rows: Array<{ active: number | boolean; path: string }> = await manager.query(
    "SELECT o.active, un.path FROM organization o JOIN admin_unit un ON un.id = o.unit_id WHERE o.id = ?",
    [orgId],
  );
  return rows[0] ? { active: Boolean(Number(rows[0].active)), path: rows[0].path } : null;
}

/** Input problems that need no database: e-mail, name, password strength, roles. */
function inputProblems(
  input: CreateUserInput,
  email: string,
  displayName: string,
  roles: Role[],
): UserError[] {
  const errors: UserError[] = [];
  if (email.length > 254 || !isEmail(email)) {
    errors.push(userError(ErrorCode.BAD_USER_INPUT, "email must be an e-mail address", ["input", "email"]));
  }
  if (displayName.length < 1 || displayName.length > 200) {
    errors.push(
      userError(ErrorCode.BAD_USER_INPUT, "displayName must be 1 to 200 characters", [
        "input",
        "displayName",
      ]),
    );
  }
  if (input.password !== null && input.password !== undefined) {
    const problem = passwordProblem(input.password, email);
    if (problem) errors.push(userError("WEAK_PASSWORD", problem, ["input", "password"]));
  }
  if (roles.length === 0) {
    errors.push(userError(ErrorCode.BAD_USER_INPUT, "roles must hold at least one role", ["input", "roles"]));
  }
  return errors;
}

/**
 * Creates a user in an organization the viewer manages, with roles the viewer may grant. An
 * organization outside the viewer's scope answers like a missing one. One transaction writes the
 * user, their roles and the audit entry.
 */
export async function createUser(ctx: Context, input: CreateUserInput): Promise<CreateUserPayload> {
  const viewer = requireViewer(ctx);
  const orgId = decodeId("Organization", input.organizationId, "organizationId");
  const email = input.email.trim().toLowerCase();
  const displayName = normalizeName(input.displayName);
  const roles = [...new Set(input.roles)].sort();

  const errors = inputProblems(input, email, displayName, roles);
  let authorized = true;
  const org = await organizationFacts(ctx.ds.manager, orgId);
  if (!org || !canManageUsersOf(viewer, org.path)) {
    authorized = false;
    errors.push(userError(ErrorCode.NOT_FOUND, "Organization not found", ["input", "organizationId"]));
  } else if (!org.active) {
    errors.push(
      userError(ErrorCode.BAD_USER_INPUT, "The organization is no longer active", [
        "input",
        "organizationId",
      ]),
    );
  }
  if (roles.length > 0 && !canGrantRoles(viewer, roles)) {
    authorized = false;
    errors.push(userError(ErrorCode.FORBIDDEN, "You may not grant these roles", ["input", "roles"]));
  }
  // Only someone allowed to create this user learns whether the e-mail is taken.
  if (authorized && !errors.some((e) => e.field[1] === "email")) {
    if ((await ctx.ds.getRepository(User).count({ where: { email } })) > 0) errors.push(EMAIL_TAKEN());
  }
  if (errors.length > 0 || !org) return { user: null, userErrors: errors };

  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await withTransaction(ctx.ds, async (uow) => {
      const repo = uow.manager.getRepository(User);
      const inserted = await repo.insert({
        email,
        displayName,
        orgId,
        passwordHash,
        status: UserStatus.ACTIVE,
      });
      const id = Number(inserted.identifiers[0].id);
      await uow.manager.getRepository(UserRole).insert(roles.map((role) => ({ userId: id, role })));
      const user = await repo.findOneByOrFail({ id });
      await recordAudit(uow.manager, auditActor(ctx, viewer), {
        action: "user.create",
        objectType: "User",
        objectId: id,
        scopePath: org.path,
        before: null,
        after: userSnapshot(user, roles),
      });
      return { user, userErrors: [] };
    });
  } catch (err) {
    if (isDuplicateEmail(err)) return { user: null, userErrors: [EMAIL_TAKEN()] };
    throw err;
  }
}
