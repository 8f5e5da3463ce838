import { createHash } from "node:crypto";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Unit } from "../../src/units/unit.entity";
import { makeOrg, makeTree, makeUser, TEST_PASSWORD } from "../factories";
import { setEnv } from "../helpers/jwks";
import { startTestApp, type TestApp } from "../helpers/server";

/**
 * Sign-in, refresh and sign-out over HTTP against the real database and Redis: what a client
 * gets back, what is stored, and what is audited.
 */

interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}
interface Payload {
  tokens: Tokens | null;
  userErrors: Array<{ field: string[]; message: string; code: string }>;
}

const TOKENS = "tokens { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt }";
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { ${TOKENS} userErrors { field message code } } }`;
const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { ${TOKENS} userErrors { field message code } } }`;
const ME = "{ me { user { email } } }";
const WRONG = "Sai mật khẩu rồi 2022!";
const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

describe("sign-in", () => {
  let app: TestApp;
  let restoreEnv: () => void;
  let org: Organization;
  let commune: Unit;

  const login = async (email: string, password: string): Promise<Payload> => {
    const r = await app.gqlAs<{ login: Payload }>(null, LOGIN, { i: { email, password } });
    expect(r.errors).toBeUndefined();
    return r.data!.login;
  };
  const refresh = async (token: string): Promise<Payload> => {
    const r = await app.gqlAs<{ refreshToken: Payload }>(null, REFRESH, { t: token });
    expect(r.errors).toBeUndefined();
    return r.data!.refreshToken;
  };
  const codes = (p: Payload) => p.userErrors.map((e) => e.code);
  const newUser = (extra: { roles?: Role[]; password?: string } = {}) =>
    makeUser(app.db.ds, { org, roles: extra.roles ?? [Role.COMMUNE_OFFICER], password: extra.password });
  const throttleKeys = () => app.redis.keys(`${app.db.config.redisPrefix}:throttle:*`);
  const clearThrottle = async () => {
    const keys = await throttleKeys();
    if (keys.length > 0) await app.redis.del(...keys);
  };
  const meStatus = async (token: string) => {
    const r = await app.gqlAs(token, ME);
    return { status: r.status, code: codeOf(r) ?? null };
  };
  const OK = { status: 200, code: null };
  const GONE = { status: 401, code: "UNAUTHENTICATED" };

  beforeAll(async () => {
    // Small limits so the lock and the address throttle are reachable in a few attempts.
    restoreEnv = setEnv({ LOGIN_IP_MAX_ATTEMPTS: "6", LOGIN_MAX_FAILURES: "3", LOGIN_LOCK_MINUTES: "10" });
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Đăng nhập");
    commune = tree.communes[0][0];
    org = await makeOrg(app.db.ds, { unit: commune });
  });
  // Every test starts with a clean address counter, except where the test says otherwise.
  beforeEach(clearThrottle);
  afterAll(async () => {
    await clearThrottle();
    await app.close();
    restoreEnv();
  });

  it("uses the limits set for this file", () => {
    expect(app.db.config.auth).toMatchObject({ ipAttemptsPerWindow: 6, maxFailedLogins: 3, lockMinutes: 10 });
  });

  it("returns tokens, and `me` with the access token shows the user, organization, roles and scope", async () => {
    const u = await newUser({ roles: [Role.VIEWER, Role.COMMUNE_OFFICER] });
    const p = await login(u.email, TEST_PASSWORD);
    expect(p.userErrors).toEqual([]);
    const now = app.clock.now().getTime();
    expect(p.tokens).toEqual({
      accessToken: expect.any(String),
      accessTokenExpiresAt: new Date(now + app.db.config.auth.accessTtlSeconds * 1000).toISOString(),
      refreshToken: expect.any(String),
      refreshTokenExpiresAt: new Date(now + app.db.config.auth.refreshTtlDays * 86_400_000).toISOString(),
    });
    const r = await app.gqlAs(
      p.tokens!.accessToken,
      `{ me { user { id email displayName organization { id } } organization { id name } roles scope { id name } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      me: {
        user: {
          id: toGlobalId("User", u.id),
          email: u.email,
          displayName: u.displayName,
          organization: { id: toGlobalId("Organization", org.id) },
        },
        organization: { id: toGlobalId("Organization", org.id), name: org.name },
        roles: ["COMMUNE_OFFICER", "VIEWER"],
        scope: { id: toGlobalId("Unit", commune.id), name: commune.name },
      },
    });
  });

  it("accepts the e-mail in any case", async () => {
    const u = await newUser();
    expect(codes(await login(u.email.toUpperCase(), TEST_PASSWORD))).toEqual([]);
  });

  it("issues an HS256 at+jwt access token with the configured iss/aud, living at most 15 minutes", async () => {
    const u = await newUser();
    const { accessToken } = (await login(u.email, TEST_PASSWORD)).tokens!;
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: "HS256", typ: "at+jwt" });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({
      iss: app.db.config.auth.issuer,
      aud: app.db.config.auth.audience,
      sub: String(u.id),
      org: org.id,
      sid: expect.any(String),
      iat: Math.floor(app.clock.now().getTime() / 1000),
    });
    expect(claims.exp! - claims.iat!).toBe(app.db.config.auth.accessTtlSeconds);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
  });

  it("answers a wrong password and an unknown e-mail with the same INVALID_CREDENTIALS and no token", async () => {
    const u = await newUser();
    const wrong = await login(u.email, WRONG);
    const unknown = await login("khong-co-ai@test.backan.gov.vn", TEST_PASSWORD);
    expect(wrong).toEqual({
      tokens: null,
      userErrors: [{ code: "INVALID_CREDENTIALS", field: ["input"], message: expect.any(String) }],
    });
    expect(unknown).toEqual(wrong);
    const [row] = await app.db.ds.query("SELECT failed_logins FROM app_user WHERE id = ?", [u.id]);
    expect(Number(row.failed_logins)).toBe(1);
  });

  it("locks the account after LOGIN_MAX_FAILURES wrong passwords, and unlocks it after LOGIN_LOCK_MINUTES", async () => {
    const { maxFailedLogins, lockMinutes } = app.db.config.auth;
    const u = await newUser();
    for (let i = 0; i < maxFailedLogins; i++) {
      expect(await login(u.email, WRONG)).toMatchObject({
        tokens: null,
        userErrors: [{ code: "INVALID_CREDENTIALS" }],
      });
    }
    const locked = await login(u.email, TEST_PASSWORD);
    expect(locked).toMatchObject({ tokens: null, userErrors: [{ code: "ACCOUNT_LOCKED" }] });
    expect(await login(u.email, WRONG)).toMatchObject({
      tokens: null,
      userErrors: [{ code: "ACCOUNT_LOCKED" }],
    });

    const start = app.clock.now();
    try {
      await clearThrottle(); // this test is about the account lock, not the address limit
      app.clock.set(new Date(start.getTime() + (lockMinutes - 1) * 60_000));
      expect(codes(await login(u.email, TEST_PASSWORD))).toEqual(["ACCOUNT_LOCKED"]);
      app.clock.set(new Date(start.getTime() + (lockMinutes + 1) * 60_000));
      const again = await login(u.email, TEST_PASSWORD);
      expect(again.userErrors).toEqual([]);
      expect(await meStatus(again.tokens!.accessToken)).toEqual(OK);
    } finally {
      app.clock.set(start);
    }
  });

  it("locks the account even when the wrong passwords arrive in parallel", async () => {
    const { maxFailedLogins, ipAttemptsPerWindow } = app.db.config.auth;
    const u = await newUser();
    // Up to the address limit, leaving one attempt for the right password.
    const attempts = ipAttemptsPerWindow - 1;
    expect(attempts).toBeGreaterThan(maxFailedLogins);
    const results = await Promise.all(Array.from({ length: attempts }, () => login(u.email, WRONG)));
    for (const r of results) expect(r.tokens).toBeNull();
    const [row] = await app.db.ds.query("SELECT failed_logins, locked_until FROM app_user WHERE id = ?", [
      u.id,
    ]);
    // Each attempt must count: `attempts` failures lock the account, whatever their timing.
    expect({
      wrongAttempts: attempts,
      failedLoginsStored: Number(row.failed_logins),
      locked: row.locked_until !== null,
    }).toEqual({ wrongAttempts: attempts, failedLoginsStored: expect.any(Number), locked: true });
    expect(await login(u.email, TEST_PASSWORD)).toMatchObject({
      tokens: null,
      userErrors: [{ code: "ACCOUNT_LOCKED" }],
    });
  });

  it("refuses a disabled user with the right password: ACCOUNT_DISABLED and no token", async () => {
    const u = await newUser();
    await app.db.ds.query("UPDATE app_user SET status = 'disabled' WHERE id = ?", [u.id]);
    expect(await login(u.email, TEST_PASSWORD)).toEqual({
      tokens: null,
      userErrors: [{ code: "ACCOUNT_DISABLED", field: [], message: expect.any(String) }],
    });
    // A wrong password does not reveal that the account exists and is disabled.
    expect(codes(await login(u.email, WRONG))).toEqual(["INVALID_CREDENTIALS"]);
  });

  it("throttles sign-in per client address: the attempt past LOGIN_IP_MAX_ATTEMPTS is RATE_LIMITED even with the right password", async () => {
    const { ipAttemptsPerWindow, ipWindowSeconds } = app.db.config.auth;
    const u = await newUser();
    const other = await newUser();
    for (let i = 0; i < ipAttemptsPerWindow; i++) {
      // Spread over two accounts and an unknown e-mail: the limit is the address's, not an account's.
      const email = [u.email, other.email, "khong-co-ai@test.backan.gov.vn"][i % 3];
      expect(codes(await login(email, WRONG))).not.toContain("RATE_LIMITED");
    }
    const limited = await login(other.email, TEST_PASSWORD);
    expect(limited).toEqual({
      tokens: null,
      userErrors: [{ code: "RATE_LIMITED", field: [], message: expect.any(String) }],
    });
    const keys = await throttleKeys();
    expect(keys).toEqual([`${app.db.config.redisPrefix}:throttle:login:ip:127.0.0.1`]);
    const ttl = await app.redis.ttl(keys[0]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(ipWindowSeconds);
    // Once the window is over (here: the key removed), the same password works.
    await clearThrottle();
    expect(codes(await login(other.email, TEST_PASSWORD))).toEqual([]);
  });

  describe("refresh tokens", () => {
    it("rotate: the new tokens work, the old refresh token fails, and its reuse revokes the whole family", async () => {
      const u = await newUser();
      const first = (await login(u.email, TEST_PASSWORD)).tokens!;
      const rotated = await refresh(first.refreshToken);
      expect(rotated.userErrors).toEqual([]);
      const second = rotated.tokens!;
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(decodeJwt(second.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
      expect(await meStatus(second.accessToken)).toEqual(OK);

      // The old one again: refused, and taken as theft.
      expect(await refresh(first.refreshToken)).toEqual({
        tokens: null,
        userErrors: [{ code: "INVALID_REFRESH_TOKEN", field: ["refreshToken"], message: expect.any(String) }],
      });
      // The whole family is gone: the new refresh token and the new access token.
      expect(codes(await refresh(second.refreshToken))).toEqual(["INVALID_REFRESH_TOKEN"]);
      expect(await meStatus(second.accessToken)).toEqual(GONE);

      const rows: Array<{ action: string }> = await app.db.ds.query(
        "SELECT action FROM audit_entry WHERE object_type = 'User' AND object_id = ? ORDER BY id",
        [u.id],
      );
      // Only the rotated token's reuse is theft; the family's newest token was revoked, not rotated.
      expect(rows.map((r) => r.action)).toEqual([
        "auth.login",
        "auth.refresh",
        "auth.refresh_reuse_detected",
      ]);
    });

    it("are refused when expired", async () => {
      const u = await newUser();
      const t = (await login(u.email, TEST_PASSWORD)).tokens!;
      const start = app.clock.now();
      try {
        app.clock.set(new Date(start.getTime() + (app.db.config.auth.refreshTtlDays * 86_400 + 60) * 1000));
        expect(codes(await refresh(t.refreshToken))).toEqual(["INVALID_REFRESH_TOKEN"]);
      } finally {
        app.clock.set(start);
      }
    });

    it("are refused for a user disabled since sign-in", async () => {
      const u = await newUser();
      const t = (await login(u.email, TEST_PASSWORD)).tokens!;
      await app.db.ds.query("UPDATE app_user SET status = 'disabled' WHERE id = ?", [u.id]);
      expect(await refresh(t.refreshToken)).toMatchObject({
        tokens: null,
        userErrors: [{ code: "ACCOUNT_DISABLED" }],
      });
    });

    it("are refused when they are garbage", async () => {
      for (const t of ["", "short", "x".repeat(43), "y".repeat(500)]) {
        expect(codes(await refresh(t))).toEqual(["INVALID_REFRESH_TOKEN"]);
      }
    });
  });

  describe("logout", () => {
    it("ends the session: its access token gets 401 and its refresh token INVALID_REFRESH_TOKEN", async () => {
      const u = await newUser();
      const mine = (await login(u.email, TEST_PASSWORD)).tokens!;
      const elsewhere = (await login(u.email, TEST_PASSWORD)).tokens!;
      const r = await app.gqlAs(
        mine.accessToken,
        "mutation { logout { sessionsEnded userErrors { code } } }",
      );
      expect(r.data).toEqual({ logout: { sessionsEnded: 1, userErrors: [] } });
      expect(await meStatus(mine.accessToken)).toEqual(GONE);
      expect(codes(await refresh(mine.refreshToken))).toEqual(["INVALID_REFRESH_TOKEN"]);
      // The other session is untouched.
      expect(await meStatus(elsewhere.accessToken)).toEqual(OK);
      expect(codes(await refresh(elsewhere.refreshToken))).toEqual([]);
    });

    it("with allSessions: true ends every session of the user", async () => {
      const u = await newUser();
      const a = (await login(u.email, TEST_PASSWORD)).tokens!;
      const b = (await login(u.email, TEST_PASSWORD)).tokens!;
      expect(await meStatus(b.accessToken)).toEqual(OK);
      const r = await app.gqlAs(a.accessToken, "mutation { logout(allSessions: true) { sessionsEnded } }");
      expect(r.data).toEqual({ logout: { sessionsEnded: 2 } });
      for (const t of [a, b]) {
        expect(await meStatus(t.accessToken)).toEqual(GONE);
        expect(codes(await refresh(t.refreshToken))).toEqual(["INVALID_REFRESH_TOKEN"]);
      }
    });
  });

  describe("what is stored", () => {
    it("passwords as scrypt hashes, never the password", async () => {
      const password = "Ruộng bậc thang Bắc Kạn 2022";
      const u = await newUser({ password });
      const [row] = await app.db.ds.query("SELECT password_hash FROM app_user WHERE id = ?", [u.id]);
      const hash: string = row.password_hash;
      expect(hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(hash).not.toContain(password);
      expect(hash).not.toContain(Buffer.from(password).toString("base64"));
      expect(codes(await login(u.email, password))).toEqual([]);
    });

    it("refresh tokens as their SHA-256 only", async () => {
      const u = await newUser();
      const { refreshToken } = (await login(u.email, TEST_PASSWORD)).tokens!;
      expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      const rows: Array<Record<string, unknown>> = await app.db.ds.query(
        "SELECT * FROM refresh_token WHERE user_id = ?",
        [u.id],
      );
      expect(rows.map((r) => r.token_hash)).toEqual([sha256(refreshToken)]);
      const everything = JSON.stringify(await app.db.ds.query("SELECT * FROM refresh_token"));
      expect(everything).not.toContain(refreshToken);
      expect(JSON.stringify(await app.db.ds.query("SELECT * FROM audit_entry"))).not.toContain(refreshToken);
    });
  });

  it("audits every attempt on a known account, with no password in before/after", async () => {
    const password = "Đồi chè xanh mướt Bắc Kạn";
    const u = await newUser({ password });
    await login(u.email, password); // auth.login
    for (let i = 0; i < app.db.config.auth.maxFailedLogins; i++) await login(u.email, WRONG); // failed, failed, locked
    await login(u.email, password); // refused while locked
    const rows: Array<{
      action: string;
      actor_user_id: number;
      actor_email: string;
      before: string | null;
      after: string | null;
      ip: string;
      request_id: string;
    }> = await app.db.ds.query(
      "SELECT * FROM audit_entry WHERE object_type = 'User' AND object_id = ? ORDER BY id",
      [u.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      "auth.login",
      "auth.login_failed",
      "auth.login_failed",
      "auth.account_locked",
      "auth.login_refused_locked",
    ]);
    for (const r of rows) {
      expect(Number(r.actor_user_id)).toBe(u.id);
      expect(r.actor_email).toBe(u.email);
      expect(r.ip).toBe("127.0.0.1");
      expect(r.request_id).not.toBe("");
      for (const secret of [password, WRONG, "password"]) {
        expect(`${r.before ?? ""} ${r.after ?? ""}`.toLowerCase()).not.toContain(secret.toLowerCase());
      }
    }
    expect(JSON.stringify(rows)).not.toContain(password);
    expect(JSON.stringify(rows)).not.toContain(WRONG);
    // A disabled account's attempt is audited too.
    await clearThrottle();
    const d: User = await newUser();
    await app.db.ds.query("UPDATE app_user SET status = 'disabled' WHERE id = ?", [d.id]);
    await login(d.email, TEST_PASSWORD);
    const [refused] = await app.db.ds.query(
      "SELECT action FROM audit_entry WHERE object_type = 'User' AND object_id = ?",
      [d.id],
    );
    expect(refused.action).toBe("auth.login_refused_disabled");
  });
});
