import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import type { Config } from "../config/env";
import type { AuthTokens } from "./auth.types";
import { newRefreshToken, signAccessToken } from "./tokens";
import { RefreshToken, type User } from "./user.entity";

/** Issues an access token and a new refresh token in `familyId` (a new family for a new sign-in). */
export async function issueTokens(
  manager: EntityManager,
  config: Config,
  user: User,
  now: Date,
  familyId: string = randomUUID(),
): Promise<{ tokens: AuthTokens; refreshId: number }> {
  const { token, hash } = newRefreshToken();
  const refreshTokenExpiresAt = new Date(now.getTime() + config.auth.refreshTtlDays * 86_400_000);
  const inserted = await manager.getRepository(RefreshToken).insert({
    userId: user.id,
    familyId,
    tokenHash: hash,
    expiresAt: refreshTokenExpiresAt,
    revokedAt: null,
    replacedById: null,
  });
  const accessToken = await signAccessToken(
    config,
    { sub: String(user.id), org: user.orgId, sid: familyId },
    now,
  );
  return {
    refreshId: Number(inserted.identifiers[0].id),
    tokens: {
      accessToken,
      accessTokenExpiresAt: new Date(
        Math.floor(now.getTime() / 1000) * 1000 + config.auth.accessTtlSeconds * 1000,
      ),
      refreshToken: token,
      refreshTokenExpiresAt,
    },
  };
}
