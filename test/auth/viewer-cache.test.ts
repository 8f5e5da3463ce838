import { createServerCaches } from "../../src/app/caches";
import type { User } from "../../src/auth/user.entity";
import { ViewerCache } from "../../src/auth/viewer-cache";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import type { Viewer } from "../../src/shared/viewer";
import type { Organization } from "../../src/organizations/organization.entity";
import { makeOrg, makeTree, makeUser, TEST_PASSWORD } from "../factories";
import { type PrivateRedis, startPrivateRedis } from "../reminders/processes";
import { startOtherApi, startTestApp, type GqlResult, type TestApp } from "../helpers/server";

/**
 * Checked sessions kept in memory (src/auth/viewer-cache.ts, src/app/caches.ts): a signed-in
 * request reads the viewer from MariaDB once per AUTH_CACHE_SECONDS, and a revocation through the
 * API still takes effect on the very next request, in this process and (by Redis notice) in the
 * others. Changes made behind the API's back: test/auth/jwt.test.ts.
 */

const ME = "{ me { user { email } roles } }";
const codeOf = (r: GqlResult) => r.errors?.[0]?.extensions?.code;
const expectRefused = (r: GqlResult) =>
  expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 401, code: "UNAUTHENTICATED" });

const viewer = (userId: number): Viewer => ({
  userId,
  email: `u${userId}@test`,
  orgId: 1,
  orgKind: "x",
  unitId: 1,
  unitPath: "/1/",
  unitLevel: "province",
  roles: new Set([Role.VIEWER]),
  sessionId: "s",
});

describe("ViewerCache", () => {
  it("serves an entry for its time to live, never past its session, never after the clock went back", () => {
    const cache = new ViewerCache(5000);
    cache.set("a", viewer(1), 10_000, null, cache.generation);
    expect(cache.get("a", 10_000)).not.toBeNull();
    expect(cache.get("a", 14_999)).not.toBeNull();
    expect(cache.get("a", 15_000)).toBeNull();
    cache.set("b", viewer(1), 10_000, 12_000, cache.generation);
    expect(cache.get("b", 11_999)).not.toBeNull();
    expect(cache.get("b", 12_000)).toBeNull();
    cache.set("c", viewer(1), 10_000, null, cache.generation);
    expect(cache.get("c", 9_999)).toBeNull();
  });

  it("forgets a user's sessions, and does not keep a read that started before the eviction", () => {
    const cache = new ViewerCache(5000);
    cache.set("a1", viewer(1), 0, null, cache.generation);
    cache.set("a2", viewer(1), 0, null, cache.generation);
    cache.set("b", viewer(2), 0, null, cache.generation);
    const before = cache.generation; // a request starts reading user 1 from MariaDB...
    cache.evictUsers([1]); // ...a logout commits meanwhile
    cache.set("a3", viewer(1), 0, null, before); // ...and the request's (older) read comes back
    expect([cache.get("a1", 1), cache.get("a2", 1), cache.get("a3", 1)]).toEqual([null, null, null]);
    expect(cache.get("b", 1)?.userId).toBe(2);
  });

  it("serves and keeps nothing while inactive, and holds at most maxEntries", () => {
    let active = true;
    const cache = new ViewerCache(5000, () => active, 3);
    cache.set("a", viewer(1), 0, null, cache.generation);
    active = false;
    expect(cache.get("a", 1)).toBeNull();
    cache.set("b", viewer(2), 0, null, cache.generation);
    active = true;
    expect(cache.get("b", 1)).toBeNull();
    for (const k of ["c", "d", "e", "f"]) cache.set(k, viewer(3), 0, null, cache.generation);
    expect(cache.size).toBe(3);
    expect(cache.get("c", 1)).toBeNull();
    expect(cache.get("f", 1)).not.toBeNull();
  });
});

describe("checked sessions in an API process", () => {
  let app: TestApp;
  let org: Organization;
  const viewerStatements = () => app.db.sql.statements.filter((s) => s.includes("FROM app_user u")).length;
  const newUser = (roles: Role[] = [Role.VIEWER]) => makeUser(app.db.ds, { org, roles });
  const userVersion = async (u: User) =>
    Number(
      (
        (await app.db.ds.query("SELECT version FROM app_user WHERE id = ?", [u.id])) as [{ version: number }]
      )[0].version,
    );

  beforeAll(async () => {
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Phiên");
    org = await makeOrg(app.db.ds, { unit: tree.communes[0][0] });
  });
  afterAll(async () => {
    await app.close();
  });

  it("reads the viewer from MariaDB once per AUTH_CACHE_SECONDS", async () => {
    const token = await app.tokenFor(await newUser());
    const counted = async () => {
      app.db.sql.reset();
      expect((await app.gqlAs(token, ME)).errors).toBeUndefined();
      return viewerStatements();
    };
    expect([await counted(), await counted(), await counted()]).toEqual([1, 0, 0]);
    const start = app.clock.now();
    try {
      app.clock.set(new Date(start.getTime() + app.db.config.caches.authSeconds * 1000));
      expect([await counted(), await counted()]).toEqual([1, 0]);
    } finally {
      app.clock.set(start);
    }
  });

  it("a logout ends the session on the next request", async () => {
    const token = await app.tokenFor(await newUser());
    expect((await app.gqlAs(token, ME)).errors).toBeUndefined();
    expect((await app.gqlAs(token, "mutation { logout { sessionsEnded } }")).errors).toBeUndefined();
    expectRefused(await app.gqlAs(token, ME));
  });

  it("disabling a user ends their sessions on the next request; new roles apply on the next request", async () => {
    const u = await newUser();
    const token = await app.tokenFor(u);
    expect((await app.gqlAs<{ me: { roles: string[] } }>(token, ME)).data!.me.roles).toEqual(["VIEWER"]);
    const roles = await app.gql(
      `mutation($id: ID!, $v: Int!) { setUserRoles(id: $id, roles: [COMMUNE_OFFICER], version: $v) { userErrors { code } } }`,
      { id: toGlobalId("User", u.id), v: await userVersion(u) },
    );
    expect(roles.errors).toBeUndefined();
    expect((await app.gqlAs<{ me: { roles: string[] } }>(token, ME)).data!.me.roles).toEqual([
      "COMMUNE_OFFICER",
    ]);
    const disabled = await app.gql(
      `mutation($id: ID!, $v: Int!) { disableUser(id: $id, version: $v) { userErrors { code } } }`,
      { id: toGlobalId("User", u.id), v: await userVersion(u) },
    );
    expect(disabled.errors).toBeUndefined();
    expectRefused(await app.gqlAs(token, ME));
  });

  it("an account locked by wrong passwords is refused on its open sessions at once", async () => {
    const u = await newUser();
    const token = await app.tokenFor(u);
    expect((await app.gqlAs(token, ME)).errors).toBeUndefined();
    for (let i = 0; i < app.db.config.auth.maxFailedLogins; i++) {
      await app.gqlAs(
        null,
        `mutation($e: String!) { login(input: { email: $e, password: "wrong password 1" }) { userErrors { code } } }`,
        {
          e: u.email,
        },
      );
    }
    expectRefused(await app.gqlAs(token, ME));
  });

  it("a refresh token used twice ends its session at once", async () => {
    const u = await newUser();
    const login = await app.gqlAs<{ login: { tokens: { accessToken: string; refreshToken: string } } }>(
      null,
      `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { tokens { accessToken refreshToken } } }`,
      { e: u.email, p: TEST_PASSWORD },
    );
    const { accessToken, refreshToken } = login.data!.login.tokens;
    expect((await app.gqlAs(accessToken, ME)).errors).toBeUndefined();
    const REFRESH = `mutation($t: String!) { refreshToken(refreshToken: $t) { tokens { accessToken } userErrors { code } } }`;
    expect((await app.gqlAs(null, REFRESH, { t: refreshToken })).errors).toBeUndefined();
    await app.gqlAs(null, REFRESH, { t: refreshToken }); // reused: the copy is detected
    expectRefused(await app.gqlAs(accessToken, ME));
  });

  it("another API process refuses a disabled user once the Redis notice arrives", async () => {
    const other = await startOtherApi(app);
    try {
      const u = await newUser();
      const token = await app.tokenFor(u);
      // Checked, and kept, by the other process.
      expect((await other.gqlAs(token, ME)).status).toBe(200);
      expect((await other.gqlAs(token, ME)).status).toBe(200);
      const disabled = await app.gql(
        `mutation($id: ID!, $v: Int!) { disableUser(id: $id, version: $v) { userErrors { code } } }`,
        { id: toGlobalId("User", u.id), v: await userVersion(u) },
      );
      expect(disabled.errors).toBeUndefined();
      const deadline = Date.now() + 10_000;
      let status = (await other.gqlAs(token, ME)).status;
      while (status === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        status = (await other.gqlAs(token, ME)).status;
      }
      expect(status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it("keeps no session while its Redis subscription is down, and drops them all when it is back", async () => {
    const redisServer = await startPrivateRedis();
    let restarted: PrivateRedis | null = null;
    const caches = createServerCaches({
      config: { ...app.db.config, redisUrl: redisServer.url },
      ds: app.db.ds,
      redis: app.redis, // for PUBLISH, which this test does not use
    });
    const waitFor = async (listening: boolean) => {
      const deadline = Date.now() + 15_000;
      while (caches.listening() !== listening && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(caches.listening()).toBe(listening);
    };
    try {
      expect(await caches.ready(5000)).toBe(true);
      const viewers = caches.viewers!;
      viewers.set("k", viewer(1), 0, null, viewers.generation);
      expect(viewers.get("k", 1)).not.toBeNull();
      await redisServer.stop();
      await waitFor(false);
      // Notices could be lost now: nothing is served, nothing is kept.
      expect(viewers.get("k", 1)).toBeNull();
      viewers.set("k", viewer(1), 0, null, viewers.generation);
      expect(viewers.size).toBe(0);
      restarted = await startPrivateRedis({ port: Number(new URL(redisServer.url).port) });
      await waitFor(true);
      viewers.set("k", viewer(1), 0, null, viewers.generation);
      expect(viewers.get("k", 1)).not.toBeNull();
    } finally {
      await caches.close();
      await restarted?.stop();
    }
  });
});
