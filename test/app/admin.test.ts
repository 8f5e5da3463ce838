import { ADMIN_COOKIE, makeAdminCookieValue, sessionKey } from "../../src/app/admin";
import type { User } from "../../src/auth/user.entity";
import { OrganizationKind } from "../../src/organizations/organization.enums";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser } from "../factories";
import { startTestApp, type TestApp } from "../helpers/server";

describe("/admin/queues: the BullMQ dashboard, system administrators only", () => {
  let app: TestApp;
  let adminToken: string;
  let coordinator: User;
  let coordinatorToken: string;
  beforeAll(async () => {
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Quản trị hàng đợi");
    const office = await makeOrg(app.db.ds, {
      unit: tree.province,
      kind: OrganizationKind.COORDINATION_OFFICE,
      name: "Văn phòng Điều phối",
    });
    coordinator = await makeUser(app.db.ds, { org: office, roles: [Role.PROVINCIAL_COORDINATOR] });
    coordinatorToken = await app.tokenFor(coordinator);
    adminToken = await app.tokenFor(app.admin);
  }, 90_000);
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, { headers, redirect: "manual" });
  const openSession = (token: string) =>
    fetch(`${app.url}/admin/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
  const cookieOf = (res: Response) => {
    const set = res.headers.get("set-cookie") ?? "";
    return set.split(";")[0];
  };

  it("shows the queues to an administrator's bearer token (bull-board's JSON API)", async () => {
    const res = await get("/admin/queues/api/queues", { authorization: `Bearer ${adminToken}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name)).toContain("reminders");
  });

  it("trades an administrator's token for a short-lived HttpOnly, SameSite=Strict cookie scoped to /admin", async () => {
    const res = await openSession(adminToken);
    expect(res.status).toBe(200);
    const set = res.headers.get("set-cookie") ?? "";
    expect(set).toMatch(new RegExp(`^${ADMIN_COOKIE}=v1\\.${app.admin.id}\\.`));
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    expect(set).toContain("Path=/admin");
    expect(set).toContain("Max-Age=900");
    const cookie = cookieOf(res);
    const page = await get("/admin/queues/", { cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const api = await get("/admin/queues/api/queues", { cookie });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name)).toContain(
      "reminders",
    );
    // A state change with the cookie from a foreign page is refused.
    const cross = await fetch(`${app.url}/admin/queues/api/queues/reminders/retry/failed`, {
      method: "PUT",
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(cross.status).toBe(403);
  });

  it("refuses a coordinator, by token and when asking for a cookie", async () => {
    const res = await get("/admin/queues/api/queues", { authorization: `Bearer ${coordinatorToken}` });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("reminders");
    const session = await openSession(coordinatorToken);
    expect(session.status).toBe(403);
    expect(session.headers.get("set-cookie")).toBeNull();
  });

  it("refuses anonymous requests everywhere under /admin except the sign-in form", async () => {
    for (const path of [
      "/admin",
      "/admin/queues",
      "/admin/queues/",
      "/admin/queues/api/queues",
      "/admin/queues/static/x.js",
    ]) {
      const res = await get(path);
      expect(res.status).toBe(401);
    }
    expect((await get("/admin/session")).status).toBe(200);
    expect((await openSession("not-a-token")).status).toBe(401);
  });

  it("refuses forged, re-signed and expired cookies", async () => {
    const real = cookieOf(await openSession(adminToken));
    const value = real.slice(ADMIN_COOKIE.length + 1);
    const [v, , sid, exp, mac] = value.split(".");
    // Someone else's user id under the administrator's signature.
    const forged = `${ADMIN_COOKIE}=${[v, coordinator.id, sid, exp, mac].join(".")}`;
    expect((await get("/admin/queues/", { cookie: forged })).status).toBe(401);
    // Signed with a key that is not the server's.
    const otherKey = sessionKey("another-secret-another-secret-0123456789");
    const foreign = makeAdminCookieValue(otherKey, { userId: app.admin.id, sessionId: sid }, Number(exp));
    expect((await get("/admin/queues/", { cookie: `${ADMIN_COOKIE}=${foreign}` })).status).toBe(401);
    // The server's key, but expired.
    const key = sessionKey(app.db.config.appSecret);
    const nowS = Math.floor(app.clock.now().getTime() / 1000);
    const expired = makeAdminCookieValue(key, { userId: app.admin.id, sessionId: sid }, nowS - 1);
    expect((await get("/admin/queues/", { cookie: `${ADMIN_COOKIE}=${expired}` })).status).toBe(401);
    // A correctly signed cookie for someone who is not an administrator.
    const notAdmin = makeAdminCookieValue(key, { userId: coordinator.id, sessionId: null }, nowS + 60);
    expect((await get("/admin/queues/", { cookie: `${ADMIN_COOKIE}=${notAdmin}` })).status).toBe(403);
    expect((await get("/admin/queues/", { cookie: real })).status).toBe(200);
  });
});
