import type { DataSource } from "typeorm";
import type { Config } from "../config/env";
import { DomainError, ErrorCode } from "../shared/errors";
import { ALL_ROLES, type Role } from "../shared/roles";
import type { Viewer } from "../shared/viewer";
import { TokenError, verifyToken } from "./tokens";
import { UserStatus } from "./user.entity";
import type { ViewerCache } from "./viewer-cache";

export class AuthenticationError extends DomainError {
  constructor(
    message = "Authentication required: send a valid access token as 'Authorization: Bearer <token>'",
  ) {
    super(message, ErrorCode.UNAUTHENTICATED, { http: { status: 401 } });
  }
}

interface ViewerRow {
  id: number;
  email: string;
  status: string;
  locked_until: Date | null;
  org_id: number;
  org_kind: string;
  org_active: number;
  unit_id: number;
  unit_path: string;
  unit_level: Viewer["unitLevel"];
  roles: string | null;
  /** Local tokens: the last expiry of the session's live refresh tokens; null once it has ended. */
  live_until: Date | null;
}

const VIEWER_SQL = `
  SELECT u.id, u.email, u.status, u.locked_until, u.org_id, o.kind AS org_kind, o.active AS org_active,
         o.unit_id, un.path AS unit_path, un.level AS unit_level,
         (SELECT GROUP_CONCAT(r.role) FROM user_role r WHERE r.user_id = u.id) AS roles,
         %SESSION% AS live_until
    FROM app_user u
    JOIN organization o ON o.id = u.org_id
    JOIN admin_unit un ON un.id = o.unit_id
   WHERE %WHERE%
   LIMIT 1`;

function toViewer(row: ViewerRow, sessionId: string | null): Viewer {
  const roles = new Set(
    (row.roles ?? "").split(",").filter((r): r is Role => (ALL_ROLES as string[]).includes(r)),
  );
  return {
    userId: Number(row.id),
    email: row.email,
    orgId: Number(row.org_id),
    orgKind: row.org_kind,
    unitId: Number(row.unit_id),
    unitPath: row.unit_path,
    unitLevel: row.unit_level,
    roles,
    sessionId,
  };
}

/**
 * Turns an Authorization header into a Viewer in one SQL statement, or throws UNAUTHENTICATED.
 * A token is refused when it does not verify, when its user is disabled, locked or without an
 * active organization, and (for our own tokens) when its session was logged out.
 *
 * With a `cache` (the GraphQL endpoint's; viewer-cache.ts), a session this process checked less
 * than AUTH_CACHE_SECONDS ago skips the statement; the token itself is still verified (signature,
 * expiry) on every request.
 */
export async function authenticate(
  ds: DataSource,
  config: Config,
  header: string | undefined,
  now: Date,
  cache?: ViewerCache | null,
): Promise<Viewer | null> {
  if (header === undefined || header === "") return null;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/i.exec(header);
  if (!m) throw new AuthenticationError("The Authorization header must be 'Bearer <access token>'");
  let verified;
  try {
    verified = await verifyToken(config, m[1], now);
  } catch (err) {
    if (err instanceof TokenError) throw new AuthenticationError("The access token is invalid or expired");
    throw err;
  }
  const key =
    verified.kind === "local"
      ? `local:${verified.userId}:${verified.sid}`
      : `oidc:${verified.subject}\u0000${verified.email ?? ""}`;
  const cached = cache?.get(key, now.getTime());
  if (cached) return cached;
  const generation = cache?.generation ?? 0;
  let rows: ViewerRow[];
  if (verified.kind === "local") {
    rows = await ds.query(
      VIEWER_SQL.replace(
        "%SESSION%",
        "(SELECT MAX(t.expires_at) FROM refresh_token t WHERE t.family_id = ? AND t.user_id = u.id AND t.revoked_at IS NULL AND t.expires_at > ?)",
      ).replace("%WHERE%", "u.id = ?"),
      [verified.sid, now, verified.userId],
    );
  } else {
    rows = await ds.query(
      VIEWER_SQL.replace("%SESSION%", "NULL")
        .replace(
          "%WHERE%",
          "(u.oidc_subject = ? OR (u.oidc_subject IS NULL AND ? IS NOT NULL AND u.email = ?))",
        )
        // A user linked to the subject wins over one matched by e-mail.
        .replace("LIMIT 1", "ORDER BY (u.oidc_subject <=> ?) DESC LIMIT 1"),
      [verified.subject, verified.email, verified.email, verified.subject],
    );
  }
  const row = rows[0];
  if (!row) throw new AuthenticationError("The access token is invalid or expired");
  if (verified.kind === "local" && row.live_until === null)
    throw new AuthenticationError("The session has ended; sign in again");
  if (row.status !== UserStatus.ACTIVE || !Number(row.org_active))
    throw new AuthenticationError("This account is disabled");
  if (row.locked_until && row.locked_until > now) throw new AuthenticationError("This account is locked");
  const viewer = toViewer(row, verified.kind === "local" ? verified.sid : null);
  // Kept no longer than the session lives; an identity provider's session is the token's own.
  cache?.set(
    key,
    viewer,
    now.getTime(),
    row.live_until ? new Date(row.live_until).getTime() : null,
    generation,
  );
  return viewer;
}
