import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import type { Context } from "../../shared/context";
import { userError } from "../../shared/user-errors";
import type { AuthPayload } from "../auth.types";
import { dummyHash, verifyPassword } from "../password";
import { issueTokens } from "../session";
import { loginIpKey, withinLimit } from "../throttle";
import { User, UserStatus } from "../user.entity";
import { scopePathOfUser } from "../user.scope";

export interface LoginInput {
  email: string;
  password: string;
}

const BAD_CREDENTIALS = () => userError("INVALID_CREDENTIALS", "E-mail or password is wrong", ["input"]);

/**
 * Signs a user in with e-mail and password. Throttled per client address (Redis) and per account
 * (failed attempts lock the account for a while). A locked or disabled account gets a clear error
 * and no token. Every attempt on a known account is audited.
 */
export async function login(ctx: Context, input: LoginInput): Promise<AuthPayload> {
  const { config, redis } = ctx;
  const now = ctx.clock.now();
  const email = input.email.trim().toLowerCase();

  if (ctx.ip) {
    const ok = await withinLimit(
      redis,
      loginIpKey(config.redisPrefix, ctx.ip),
      config.auth.ipAttemptsPerWindow,
      config.auth.ipWindowSeconds,
    );
    if (!ok) {
      return {
        tokens: null,
        userErrors: [
          userError("RATE_LIMITED", "Too many sign-in attempts from this address; try again later"),
        ],
      };
    }
  }

  const user = await ctx.ds.getRepository(User).findOne({ where: { email } });
  if (!user || user.passwordHash === null) {
    await verifyPassword(input.password, await dummyHash()); // same time as a real check
    return { tokens: null, userErrors: [BAD_CREDENTIALS()] };
  }
  const actor = {
    viewer: null,
    actorUserId: user.id,
    actorEmail: user.email,
    requestId: ctx.requestId,
    ip: ctx.ip,
  };
  const scopePath = await scopePathOfUser(ctx.ds.manager, user);

  if (user.lockedUntil && user.lockedUntil > now) {
    await withTransaction(ctx.ds, (uow) =>
      recordAudit(uow.manager, actor, {
        action: "auth.login_refused_locked",
        objectType: "User",
        objectId: user.id,
        scopePath,
      }),
    );
    return {
      tokens: null,
      userErrors: [
        userError(
          "ACCOUNT_LOCKED",
          `This account is locked after too many failed sign-ins until ${user.lockedUntil.toISOString()}`,
        ),
      ],
    };
  }

  const passwordOk = await verifyPassword(input.password, user.passwordHash);
  if (!passwordOk) {
    await withTransaction(ctx.ds, async (uow) => {
      // Counted in the database, not from the row read above: parallel wrong passwords all count.
      await uow.manager.query("UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = ?", [
        user.id,
      ]);
      const [row] = await uow.manager.query("SELECT failed_logins FROM app_user WHERE id = ?", [user.id]);
      const failures = Number(row.failed_logins);
      const lock = failures >= config.auth.maxFailedLogins;
      if (lock) {
        await uow.manager.getRepository(User).update(user.id, {
          failedLogins: 0,
          lockedUntil: new Date(now.getTime() + config.auth.lockMinutes * 60_000),
        });
        // A lock also ends the sessions already open (authenticate.ts refuses locked users).
        uow.afterCommit(() => ctx.caches?.usersChanged([user.id]));
      }
      await recordAudit(uow.manager, actor, {
        action: lock ? "auth.account_locked" : "auth.login_failed",
        objectType: "User",
        objectId: user.id,
        scopePath,
        after: { failedLogins: failures },
      });
    });
    return { tokens: null, userErrors: [BAD_CREDENTIALS()] };
  }

  if (user.status !== UserStatus.ACTIVE) {
    await withTransaction(ctx.ds, (uow) =>
      recordAudit(uow.manager, actor, {
        action: "auth.login_refused_disabled",
        objectType: "User",
        objectId: user.id,
        scopePath,
      }),
    );
    return {
      tokens: null,
      userErrors: [userError("ACCOUNT_DISABLED", "This account is disabled; ask your administrator")],
    };
  }

  return withTransaction(ctx.ds, async (uow) => {
    // Re-read under a row lock: a lock set by a parallel failed attempt wins over this success.
    const [fresh] = await uow.manager.query("SELECT locked_until FROM app_user WHERE id = ? FOR UPDATE", [
      user.id,
    ]);
    if (fresh?.locked_until && new Date(fresh.locked_until) > now) {
      return {
        tokens: null,
        userErrors: [userError("ACCOUNT_LOCKED", "This account is locked after too many failed sign-ins")],
      };
    }
    await uow.manager
      .getRepository(User)
      .update(user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now });
    const { tokens } = await issueTokens(uow.manager, config, user, now);
    await recordAudit(uow.manager, actor, {
      action: "auth.login",
      objectType: "User",
      objectId: user.id,
      scopePath,
    });
    return { tokens, userErrors: [] };
  });
}
