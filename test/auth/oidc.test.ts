import { generateKeyPair } from "jose";
import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser } from "../factories";
import { setEnv, startIdentityProvider, type IdentityProvider } from "../helpers/jwks";
import { startTestApp, type GqlResult, type TestApp } from "../helpers/server";

/**
 * Signing in with the province's identity provider: tokens verified against its JWKS (served
 * here on 127.0.0.1), users found by their linked subject or, when not linked, by e-mail.
 */

const ME = "{ me { user { email } roles } }";
const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;

function expectRefused(r: GqlResult) {
  expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 401, code: "UNAUTHENTICATED" });
  expect(r.data ?? null).toBeNull();
}

describe("identity-provider (OIDC) tokens", () => {
  let app: TestApp;
  let idp: IdentityProvider;
  let restoreEnv: () => void;
  let org: Organization;

  const link = (u: User, sub: string) =>
    app.db.ds.query("UPDATE app_user SET oidc_subject = ? WHERE id = ?", [`${idp.issuer}|${sub}`, u.id]);
  const meWith = (token: string) =>
    app.gqlAs<{ me: { user: { email: string }; roles: string[] } }>(token, ME);

  beforeAll(async () => {
    idp = await startIdentityProvider();
    restoreEnv = setEnv({
      OIDC_JWKS_URL: idp.jwksUrl,
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: idp.audience,
    });
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Định danh");
    org = await makeOrg(app.db.ds, { unit: tree.districts[0] });
  });
  afterAll(async () => {
    await app.close();
    await idp.stop();
    restoreEnv();
  });

  it("signs in a user linked by oidc_subject", async () => {
    const u = await makeUser(app.db.ds, { org, roles: [Role.DISTRICT_OFFICER] });
    await link(u, "sub-linked-1");
    const r = await meWith(await idp.sign({ sub: "sub-linked-1" }, app.clock.now()));
    expect(r.errors).toBeUndefined();
    expect(r.data?.me).toEqual({ user: { email: u.email }, roles: ["DISTRICT_OFFICER"] });
    expect(idp.requests).toBeGreaterThanOrEqual(1);
  });

  it("signs in a user who is not linked by e-mail (case-insensitively)", async () => {
    const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
    const r = await meWith(
      await idp.sign(
        { sub: "sub-new-2", email: u.email.toUpperCase(), email_verified: true },
        app.clock.now(),
      ),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.user.email).toBe(u.email);
  });

  it("does not link by an e-mail the provider has not verified", async () => {
    const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
    const unverified = await meWith(
      await idp.sign({ sub: "sub-unverified-9", email: u.email }, app.clock.now()),
    );
    expect(unverified.status).toBe(401);
    expect(unverified.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const saysFalse = await meWith(
      await idp.sign({ sub: "sub-unverified-9", email: u.email, email_verified: false }, app.clock.now()),
    );
    expect(saysFalse.status).toBe(401);
  });

  it("a linked subject wins over another user's e-mail in the same token", async () => {
    // The e-mail's owner is created first (lower id), so a lookup without precedence finds them.
    const emailOwner = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
    const linked = await makeUser(app.db.ds, { org, roles: [Role.DISTRICT_OFFICER] });
    await link(linked, "sub-linked-3");
    const r = await meWith(
      await idp.sign({ sub: "sub-linked-3", email: emailOwner.email, email_verified: true }, app.clock.now()),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.user.email).toBe(linked.email);
  });

  it("does not match by e-mail a user linked to another subject", async () => {
    const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
    await link(u, "sub-owner-4");
    expectRefused(
      await meWith(
        await idp.sign({ sub: "sub-intruder-4", email: u.email, email_verified: true }, app.clock.now()),
      ),
    );
  });

  it("refuses an unknown subject without an e-mail, and an unknown e-mail", async () => {
    expectRefused(await meWith(await idp.sign({ sub: "sub-nobody-5" }, app.clock.now())));
    expectRefused(
      await meWith(
        await idp.sign({ sub: "sub-nobody-6", email: "nobody@test.backan.gov.vn" }, app.clock.now()),
      ),
    );
  });

  it("refuses a disabled user's identity-provider token", async () => {
    const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
    await link(u, "sub-disabled-7");
    const token = await idp.sign({ sub: "sub-disabled-7" }, app.clock.now());
    expect((await meWith(token)).errors).toBeUndefined();
    await app.db.ds.query("UPDATE app_user SET status = 'disabled' WHERE id = ?", [u.id]);
    // Disabled in SQL behind the API's back: refused once the checked session's AUTH_CACHE_SECONDS
    // have passed (through disableUser it is at once: test/auth/viewer-cache.test.ts).
    const start = app.clock.now();
    try {
      app.clock.set(new Date(start.getTime() + app.db.config.caches.authSeconds * 1000));
      expectRefused(await meWith(token));
    } finally {
      app.clock.set(start);
    }
  });

  describe("refuses a token that does not verify", () => {
    let u: User;
    beforeAll(async () => {
      u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
      await link(u, "sub-verify");
    });

    it("control: the provider's own token for this subject works", async () => {
      const r = await meWith(await idp.sign({ sub: "sub-verify" }, app.clock.now()));
      expect(r.errors).toBeUndefined();
      expect(r.data?.me.user.email).toBe(u.email);
    });

    it("signed by another key under the provider's kid", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      expectRefused(
        await meWith(await idp.sign({ sub: "sub-verify" }, app.clock.now(), { key: privateKey })),
      );
    });

    it("signed by another key with no kid", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      expectRefused(
        await meWith(await idp.sign({ sub: "sub-verify" }, app.clock.now(), { key: privateKey, kid: null })),
      );
    });

    it("signed by another key under a kid the provider does not publish", async () => {
      const { privateKey } = await generateKeyPair("RS256");
      expectRefused(
        await meWith(
          await idp.sign({ sub: "sub-verify" }, app.clock.now(), { key: privateKey, kid: "attacker-key" }),
        ),
      );
    });

    it("with the wrong audience", async () => {
      expectRefused(
        await meWith(await idp.sign({ sub: "sub-verify" }, app.clock.now(), { audience: "another-client" })),
      );
    });

    it("with another issuer (signed by the provider's key)", async () => {
      expectRefused(
        await meWith(
          await idp.sign({ sub: "sub-verify" }, app.clock.now(), { issuer: "https://other-idp.example" }),
        ),
      );
    });

    it("expired", async () => {
      const now = Math.floor(app.clock.now().getTime() / 1000);
      expectRefused(
        await meWith(await idp.sign({ sub: "sub-verify", iat: now - 600, exp: now - 60 }, app.clock.now())),
      );
    });

    it("without exp", async () => {
      const now = Math.floor(app.clock.now().getTime() / 1000);
      expectRefused(
        await meWith(await idp.sign({ sub: "sub-verify", iat: now, exp: undefined }, app.clock.now())),
      );
    });

    it("without sub (e-mail alone is not enough)", async () => {
      expectRefused(await meWith(await idp.sign({ sub: undefined, email: u.email }, app.clock.now())));
    });
  });

  it("answers 401, not 500, when the JWKS server is down and the token has a kid the cache has not seen", async () => {
    await idp.stop();
    const { privateKey } = await generateKeyPair("RS256");
    const r = await meWith(
      await idp.sign({ sub: "sub-verify" }, app.clock.now(), { key: privateKey, kid: "rotated-2" }),
    );
    expectRefused(r);
  });
});

/**
 * A provider whose JWKS has never been fetched, so every request goes to the network: an error
 * page, a server that never answers, and a closed port must all be a 401, never a 500.
 */
describe("identity provider unreachable", () => {
  let app: TestApp;
  let idp: IdentityProvider;
  let restoreEnv: () => void;

  beforeAll(async () => {
    idp = await startIdentityProvider({ issuer: "https://dinhdanh-down.backan.gov.vn" });
    restoreEnv = setEnv({
      OIDC_JWKS_URL: idp.jwksUrl,
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: idp.audience,
    });
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Mất kết nối");
    const org = await makeOrg(app.db.ds, { unit: tree.districts[0] });
    const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
    await app.db.ds.query("UPDATE app_user SET oidc_subject = ? WHERE id = ?", [
      `${idp.issuer}|sub-down`,
      u.id,
    ]);
  });
  afterAll(async () => {
    await app.close();
    await idp.stop();
    restoreEnv();
  });

  it("JWKS answers 500", async () => {
    idp.mode = "error";
    const before = idp.requests;
    expectRefused(await app.gqlAs(await idp.sign({ sub: "sub-down" }, app.clock.now()), ME));
    expect(idp.requests).toBeGreaterThan(before);
  });

  it("JWKS never answers (the 3 s timeout ends the wait)", async () => {
    idp.mode = "hang";
    const started = Date.now();
    expectRefused(await app.gqlAs(await idp.sign({ sub: "sub-down" }, app.clock.now()), ME));
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("JWKS port closed (connection refused)", async () => {
    await idp.stop();
    expectRefused(await app.gqlAs(await idp.sign({ sub: "sub-down" }, app.clock.now()), ME));
  });
});
