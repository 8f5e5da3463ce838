import { generateKeyPair, exportSPKI, base64url, decodeJwt, SignJWT, type JWTPayload } from "jose";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { getSchema } from "../../src/app/schema";
import type { User } from "../../src/auth/user.entity";
import type { Organization } from "../../src/organizations/organization.entity";
import { toGlobalId } from "../../src/shared/ids";
import { Role } from "../../src/shared/roles";
import { makeOrg, makeTree, makeUser, TEST_PASSWORD } from "../factories";
import { setEnv, startIdentityProvider, type IdentityProvider } from "../helpers/jwks";
import { startTestApp, type GqlResult, type TestApp } from "../helpers/server";

/**
 * Every way a bearer token can be wrong gets HTTP 401 and UNAUTHENTICATED on `me`, before any
 * resolver runs; the controls prove that the same request with a good token succeeds, so each
 * row fails for its own reason and not because the forging itself is broken.
 */

const ME = "{ me { user { email } } }";
const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;
const enc = (v: unknown) => base64url.encode(JSON.stringify(v));

describe("access tokens", () => {
  let app: TestApp;
  let idp: IdentityProvider;
  let restoreEnv: () => void;
  let org: Organization;
  let user: User;
  /** A real token of `user` and the claims in it. */
  let good: string;
  let goodClaims: JWTPayload;

  const nowS = () => Math.floor(app.clock.now().getTime() / 1000);
  const secret = () => new TextEncoder().encode(app.db.config.appSecret);

  /** Claims of a valid token of `user` in its live session, as the server would sign them. */
  const baseClaims = (): JWTPayload => ({
    sub: String(user.id),
    org: org.id,
    sid: goodClaims.sid,
    iss: app.db.config.auth.issuer,
    aud: app.db.config.auth.audience,
    iat: nowS(),
    exp: nowS() + 900,
  });

  /** Signs `claims` exactly as given (no claim added) with our secret, or with `key`. */
  const forge = async (
    claims: JWTPayload,
    header: { alg?: string; typ?: string | null; kid?: string } = {},
    key: Parameters<SignJWT["sign"]>[0] = secret(),
  ): Promise<string> => {
    const h: { alg: string; typ?: string; kid?: string } = { alg: header.alg ?? "HS256" };
    if (header.typ !== null) h.typ = header.typ ?? "at+jwt";
    if (header.kid) h.kid = header.kid;
    return new SignJWT(claims).setProtectedHeader(h).sign(key);
  };
  const without = (claims: JWTPayload, ...names: string[]): JWTPayload =>
    Object.fromEntries(Object.entries(claims).filter(([k]) => !names.includes(k)));

  /** POSTs `me` with a raw Authorization header value. */
  const withHeader = async (authorization: string): Promise<GqlResult> => {
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ query: ME }),
    });
    const raw = await res.text();
    return { status: res.status, raw, ...(JSON.parse(raw) as Omit<GqlResult, "status" | "raw">) };
  };

  const expectRefused = (r: GqlResult) => {
    expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 401, code: "UNAUTHENTICATED" });
    expect(r.data ?? null).toBeNull();
    expect(r.raw).not.toContain(user.email);
  };

  beforeAll(async () => {
    idp = await startIdentityProvider();
    restoreEnv = setEnv({
      OIDC_JWKS_URL: idp.jwksUrl,
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: idp.audience,
    });
    app = await startTestApp();
    const tree = await makeTree(app.db.ds, 1, 1, 0, "Khóa");
    org = await makeOrg(app.db.ds, { unit: tree.communes[0][0] });
    user = await makeUser(app.db.ds, { org, roles: [Role.COMMUNE_OFFICER] });
    good = await app.tokenFor(user);
    goodClaims = decodeJwt(good);
  });
  afterAll(async () => {
    const keys = await app.redis.keys(`${app.db.config.redisPrefix}:throttle:*`);
    if (keys.length > 0) await app.redis.del(...keys);
    await app.close();
    await idp.stop();
    restoreEnv();
  });

  describe("controls: the same request with a good token succeeds", () => {
    it("a token the server issued", async () => {
      const r = await app.gqlAs(good, ME);
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ me: { user: { email: user.email } } });
    });

    it("a token forged here with the server's secret and claims (so the rows below test one thing each)", async () => {
      const r = await app.gqlAs(await forge(baseClaims()), ME);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ me: { user: { email: user.email } } });
    });

    it("an identity-provider token naming the user's e-mail", async () => {
      const token = await idp.sign(
        { sub: "control-subject", email: user.email, email_verified: true },
        app.clock.now(),
      );
      const r = await app.gqlAs(token, ME);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ me: { user: { email: user.email } } });
    });
  });

  type Row = [string, () => Promise<string>];
  const rows: Row[] = [
    [
      "alg: none, unsigned, with our iss/aud/sub",
      async () => `${enc({ alg: "none", typ: "at+jwt" })}.${enc(baseClaims())}.`,
    ],
    [
      "alg: none with the signature of a good token kept",
      async () => `${enc({ alg: "none", typ: "at+jwt" })}.${enc(baseClaims())}.${good.split(".")[2]}`,
    ],
    [
      "alg: HS256 signed with the identity provider's RSA public key (PEM) as the secret, claiming its issuer",
      async () =>
        forge(
          {
            iss: idp.issuer,
            aud: idp.audience,
            sub: "control-subject",
            email: user.email,
            iat: nowS(),
            exp: nowS() + 300,
          },
          { alg: "HS256", typ: "JWT", kid: idp.kid },
          new TextEncoder().encode(await exportSPKI(idp.publicKey)),
        ),
    ],
    [
      "alg: HS256 signed with the identity provider's public JWK (JSON) as the secret",
      async () =>
        forge(
          {
            iss: idp.issuer,
            aud: idp.audience,
            sub: "control-subject",
            email: user.email,
            iat: nowS(),
            exp: nowS() + 300,
          },
          { alg: "HS256", typ: "JWT", kid: idp.kid },
          new TextEncoder().encode(JSON.stringify(idp.publicJwk)),
        ),
    ],
    [
      "alg: RS256 signed with a random RSA key, claiming our issuer",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return forge(baseClaims(), { alg: "RS256" }, privateKey);
      },
    ],
    [
      "alg: RS256 signed with the identity provider's own key, claiming our issuer",
      async () => forge(baseClaims(), { alg: "RS256", kid: idp.kid }, idp.privateKey),
    ],
    ["alg: HS512 with our secret", async () => forge(baseClaims(), { alg: "HS512" })],
    [
      "signed with another deployment's secret",
      async () =>
        forge(baseClaims(), {}, new TextEncoder().encode("another-deployment-secret-0123456789abcdef")),
    ],
    ["wrong iss", async () => forge({ ...baseClaims(), iss: "https://evil.example" })],
    ["iss missing", async () => forge(without(baseClaims(), "iss"))],
    ["wrong aud", async () => forge({ ...baseClaims(), aud: "some-other-api" })],
    ["aud missing", async () => forge(without(baseClaims(), "aud"))],
    [
      "expired (exp in the past)",
      async () => forge({ ...baseClaims(), iat: nowS() - 960, exp: nowS() - 60 }),
    ],
    [
      "valid for a day, issued 16 minutes ago (maxTokenAge: iat older than the access TTL)",
      async () => forge({ ...baseClaims(), iat: nowS() - 16 * 60, exp: nowS() + 86_400 }),
    ],
    [
      "issued in the future (iat an hour ahead), valid for a day",
      async () => forge({ ...baseClaims(), iat: nowS() + 3600, exp: nowS() + 86_400 }),
    ],
    ["not yet valid (nbf an hour ahead)", async () => forge({ ...baseClaims(), nbf: nowS() + 3600 })],
    ["exp missing", async () => forge(without(baseClaims(), "exp"))],
    ["iat missing", async () => forge(without(baseClaims(), "iat"))],
    ["sub missing", async () => forge(without(baseClaims(), "sub"))],
    ["sub not a user id", async () => forge({ ...baseClaims(), sub: "admin" })],
    ["sub of a user that does not exist", async () => forge({ ...baseClaims(), sub: "999999" })],
    [
      "sub of another user with this user's session id",
      async () => forge({ ...baseClaims(), sub: String(app.admin.id) }),
    ],
    ["sid missing", async () => forge(without(baseClaims(), "sid"))],
    [
      "sid of a session that does not exist",
      async () => forge({ ...baseClaims(), sid: "00000000-0000-4000-8000-000000000000" }),
    ],
    ["typ: JWT instead of at+jwt", async () => forge(baseClaims(), { typ: "JWT" })],
    ["typ missing", async () => forge(baseClaims(), { typ: null })],
    [
      "tampered payload: sub changed to the administrator, signature kept",
      async () => {
        const [h, p, s] = good.split(".");
        const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as JWTPayload;
        return `${h}.${enc({ ...claims, sub: String(app.admin.id) })}.${s}`;
      },
    ],
    [
      "tampered signature (one character in the middle changed)",
      async () => {
        const [h, p, s] = good.split(".");
        const i = Math.floor(s.length / 2);
        return `${h}.${p}.${s.slice(0, i)}${s[i] === "A" ? "B" : "A"}${s.slice(i + 1)}`;
      },
    ],
    ["signature removed", async () => `${good.split(".").slice(0, 2).join(".")}.`],
    [
      "a refresh token sent as the access token",
      async () => {
        const r = await app.gqlAs<{ login: { tokens: { refreshToken: string } | null } }>(
          null,
          `mutation($i: LoginInput!) { login(input: $i) { tokens { refreshToken } } }`,
          { i: { email: user.email, password: TEST_PASSWORD } },
        );
        const refresh = r.data?.login.tokens?.refreshToken;
        expect(refresh).toEqual(expect.any(String));
        return refresh!;
      },
    ],
    ["garbage: too short", async () => "abc"],
    ["garbage: a sentence", async () => "this is not a token at all"],
    ["garbage: 5000 characters", async () => "x".repeat(5000)],
    ["garbage: five dots and letters", async () => "a.b.c.d.e.f"],
    ["garbage: two segments", async () => good.split(".").slice(0, 2).join(".")],
    ["garbage: JSON instead of base64", async () => '{"alg":"HS256"}.{"sub":"1"}.sig'],
    ["garbage: base64 of an array payload", async () => `${enc({ alg: "HS256" })}.${enc([1, 2, 3])}.AAAA`],
    ["garbage: percent-encoded", async () => encodeURIComponent(good).replace(/\./g, "%2E")],
  ];

  it.each(rows)("refuses %s with 401 UNAUTHENTICATED", async (_name, make) => {
    expectRefused(await app.gqlAs(await make(), ME));
  });

  describe("an Authorization header that is not 'Bearer <token>'", () => {
    const headers: Array<[string, () => string]> = [
      ["the token without a scheme", () => good],
      [
        "Basic credentials",
        () => `Basic ${Buffer.from(`${user.email}:${TEST_PASSWORD}`).toString("base64")}`,
      ],
      ["another scheme", () => `Token ${good}`],
      ["JWT scheme", () => `JWT ${good}`],
      ["'Bearer' alone", () => "Bearer"],
      ["'Bearer:' with a colon", () => `Bearer: ${good}`],
      ["two spaces", () => `Bearer  ${good}`],
      ["two tokens", () => `Bearer ${good} ${good}`],
      ["a comma-separated list", () => `Bearer ${good},Bearer ${good}`],
    ];
    it.each(headers)("refuses %s with 401 UNAUTHENTICATED", async (_name, header) => {
      expectRefused(await withHeader(header()));
    });
  });

  describe("tokens that were good and no longer are", () => {
    it("expires when the clock moves 16 minutes ahead", async () => {
      const token = await app.tokenFor(user);
      expect((await app.gqlAs(token, ME)).errors).toBeUndefined();
      const start = app.clock.now();
      try {
        app.clock.set(new Date(start.getTime() + 14 * 60_000));
        expect((await app.gqlAs(token, ME)).errors).toBeUndefined();
        app.clock.set(new Date(start.getTime() + 16 * 60_000));
        expectRefused(await app.gqlAs(token, ME));
      } finally {
        app.clock.set(start);
      }
    });

    /**
     * A change made in SQL behind the API's back: a session this process has not checked yet is
     * refused at once; one it checked (and keeps, AUTH_CACHE_SECONDS) is refused once that long has
     * passed, the documented bound. Through the API (disableUser, logout, ...) it is at once:
     * test/auth/viewer-cache.test.ts.
     */
    async function expectRefusedAfterChange(u: User, change: () => Promise<unknown>): Promise<void> {
      const checked = await app.tokenFor(u);
      expect((await app.gqlAs(checked, ME)).errors).toBeUndefined();
      await change();
      const fresh = await app.tokenFor(u);
      const r = await app.gqlAs(fresh, ME);
      expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 401, code: "UNAUTHENTICATED" });
      expect(r.raw).not.toContain(u.email);
      const start = app.clock.now();
      try {
        app.clock.set(new Date(start.getTime() + app.db.config.caches.authSeconds * 1000));
        const later = await app.gqlAs(checked, ME);
        expect({ status: later.status, code: codeOf(later) }).toEqual({
          status: 401,
          code: "UNAUTHENTICATED",
        });
      } finally {
        app.clock.set(start);
      }
    }

    it("stops working when its user is disabled", async () => {
      const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
      await expectRefusedAfterChange(u, () =>
        app.db.ds.query("UPDATE app_user SET status = 'disabled' WHERE id = ?", [u.id]),
      );
    });

    it("stops working while its user is locked", async () => {
      const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
      await expectRefusedAfterChange(u, () =>
        app.db.ds.query("UPDATE app_user SET locked_until = ? WHERE id = ?", [
          new Date(app.clock.now().getTime() + 60_000),
          u.id,
        ]),
      );
    });

    it("stops working when its user's organization is deactivated", async () => {
      const tree = await makeTree(app.db.ds, 1, 1, 0, "Giải thể");
      const gone = await makeOrg(app.db.ds, { unit: tree.communes[0][0] });
      const u = await makeUser(app.db.ds, { org: gone, roles: [Role.VIEWER] });
      await expectRefusedAfterChange(u, () =>
        app.db.ds.query("UPDATE organization SET active = 0 WHERE id = ?", [gone.id]),
      );
    });

    it("stops working once its session is logged out", async () => {
      const u = await makeUser(app.db.ds, { org, roles: [Role.VIEWER] });
      const token = await app.tokenFor(u);
      const out = await app.gqlAs<{ logout: { sessionsEnded: number } }>(
        token,
        "mutation { logout { sessionsEnded userErrors { code } } }",
      );
      expect(out.errors).toBeUndefined();
      expect(out.data?.logout.sessionsEnded).toBe(1);
      const r = await app.gqlAs(token, ME);
      expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 401, code: "UNAUTHENTICATED" });
      // Logging out again with the same token is refused too.
      const again = await app.gqlAs(token, "mutation { logout { sessionsEnded } }");
      expect({ status: again.status, code: codeOf(again) }).toEqual({ status: 401, code: "UNAUTHENTICATED" });
    });
  });

  describe("anonymous requests", () => {
    const PUBLIC_MUTATIONS = new Set(["login", "refreshToken"]);
    const SAMPLE: Record<string, string> = {
      ID: JSON.stringify(toGlobalId("Unit", 1)),
      String: '"x"',
      Int: "1",
      Float: "1",
      Boolean: "true",
      LocalDate: '"2022-06-15"',
      DateTimeISO: '"2022-06-15T00:00:00Z"',
      Decimal: '"1"',
    };
    const literal = (type: GraphQLInputType): string => {
      if (isNonNullType(type)) return literal(type.ofType);
      if (isListType(type)) return `[${literal(type.ofType)}]`;
      if (isEnumType(type)) return type.getValues()[0].name;
      if (isInputObjectType(type)) {
        const fields = Object.values(type.getFields()).filter(
          (f) => isNonNullType(f.type) && f.defaultValue === undefined,
        );
        return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(", ")} }`;
      }
      return SAMPLE[type.name] ?? '"x"';
    };
    const operation = (kind: "query" | "mutation", field: GraphQLField<unknown, unknown>): string => {
      const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      const argText = args.length ? `(${args.map((a) => `${a.name}: ${literal(a.type)}`).join(", ")})` : "";
      const selection = isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
      return `${kind} { ${field.name}${argText}${selection} }`;
    };

    // The server answers 401 for UNAUTHENTICATED raised by the auth checker too (AuthenticationError
    // carries http.status 401), so anonymous and bad-token requests look the same to a client.
    it("get UNAUTHENTICATED (HTTP 401, data null) on every query and mutation except login and refreshToken", async () => {
      const schema = await getSchema();
      const ops = [
        ...Object.values(schema.getQueryType()!.getFields()).map((f) => [f.name, operation("query", f)]),
        ...Object.values(schema.getMutationType()!.getFields())
          .filter((f) => !PUBLIC_MUTATIONS.has(f.name))
          .map((f) => [f.name, operation("mutation", f)]),
      ];
      expect(ops.map(([name]) => name)).toEqual(expect.arrayContaining(["me", "units", "tasks", "logout"]));
      const results: Record<string, unknown> = {};
      for (const [name, op] of ops) {
        const r = await app.gqlAs(null, op);
        // A nullable root field (node) answers { node: null }; the others null the whole data.
        results[name] = { status: r.status, code: codeOf(r), data: r.data?.[name] ?? null };
      }
      const expected = Object.fromEntries(
        ops.map(([name]) => [name, { status: 401, code: "UNAUTHENTICATED", data: null }]),
      );
      expect(results).toEqual(expected);
    });

    it("an empty Authorization header counts as anonymous", async () => {
      const r = await withHeader("");
      expect({ status: r.status, code: codeOf(r), data: r.data ?? null }).toEqual({
        status: 401,
        code: "UNAUTHENTICATED",
        data: null,
      });
    });

    it("can sign in: login works without a token", async () => {
      const r = await app.gqlAs<{
        login: { tokens: { accessToken: string } | null; userErrors: unknown[] };
      }>(
        null,
        `mutation($i: LoginInput!) { login(input: $i) { tokens { accessToken } userErrors { code } } }`,
        { i: { email: user.email, password: TEST_PASSWORD } },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.login.userErrors).toEqual([]);
      const token = r.data!.login.tokens!.accessToken;
      expect((await app.gqlAs(token, ME)).data).toEqual({ me: { user: { email: user.email } } });
    });

    it("can call refreshToken (and get a userError, not UNAUTHENTICATED, for a bad token)", async () => {
      const r = await app.gqlAs<{ refreshToken: { tokens: unknown; userErrors: Array<{ code: string }> } }>(
        null,
        `mutation($t: String!) { refreshToken(refreshToken: $t) { tokens { accessToken } userErrors { code } } }`,
        { t: "x".repeat(43) },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.refreshToken).toEqual({ tokens: null, userErrors: [{ code: "INVALID_REFRESH_TOKEN" }] });
    });
  });
});
