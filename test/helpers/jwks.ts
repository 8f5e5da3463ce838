import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

/** What a JWKS endpoint does when asked: serve the keys, fail with 500, or never answer. */
export type JwksMode = "serve" | "error" | "hang";

/**
 * A stand-in for the province's identity provider: an RS256 key pair and a JWKS endpoint on
 * 127.0.0.1 (port 0), plus a signer for its tokens. Stop it in afterAll.
 */
export interface IdentityProvider {
  issuer: string;
  audience: string;
  jwksUrl: string;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** JWKS requests received so far. */
  readonly requests: number;
  mode: JwksMode;
  /**
   * An identity-provider token for `claims` (sub, email, ...), issued at `now`, valid 5 minutes
   * unless `claims` says otherwise. `key`/`kid` default to the provider's own (kid null: none).
   */
  sign(
    claims: JWTPayload,
    now: Date,
    opts?: { key?: CryptoKey; kid?: string | null; alg?: string; issuer?: string; audience?: string },
  ): Promise<string>;
  /** Stops the JWKS server; afterwards its port refuses connections. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startIdentityProvider(
  opts: { issuer?: string; audience?: string; kid?: string } = {},
): Promise<IdentityProvider> {
  const issuer = opts.issuer ?? "https://dinhdanh.backan.gov.vn";
  const audience = opts.audience ?? "ntm-portals-oidc";
  const kid = opts.kid ?? "idp-key-1";
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };

  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    if (provider.mode === "hang") return; // the client's timeout must end this
    if (provider.mode === "error") {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("identity provider unavailable");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | null = null;
  const provider: IdentityProvider = {
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    kid,
    privateKey,
    publicKey,
    publicJwk,
    get requests() {
      return requests;
    },
    mode: "serve",
    async sign(claims, now, o = {}) {
      const iat = Math.floor(now.getTime() / 1000);
      const header: { alg: string; typ: string; kid?: string } = { alg: o.alg ?? "RS256", typ: "JWT" };
      const k = o.kid === undefined ? kid : o.kid;
      if (k !== null) header.kid = k;
      return new SignJWT({ iat, exp: iat + 300, ...claims })
        .setProtectedHeader(header)
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? audience)
        .sign(o.key ?? privateKey);
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
  return provider;
}

/** Sets environment variables (undefined: unset) and returns a function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  return () => apply(saved);
}
