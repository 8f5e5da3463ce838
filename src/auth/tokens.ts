import { createHash, createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
  type JWTPayload,
} from "jose";
import type { Config } from "../config/env";

/** The only algorithm our own access tokens use; anything else is refused. */
export const ACCESS_ALG = "HS256";
/** Algorithms accepted from the identity provider (asymmetric only: no algorithm confusion). */
export const OIDC_ALGS = ["RS256", "ES256", "PS256"];

export interface AccessClaims {
  sub: string; // user id
  org: number;
  sid: string; // refresh-token family, so logout can be checked
}

export class TokenError extends Error {}

const keys = new Map<string, KeyObject>();

/**
 * The HMAC key of our access tokens, made once per secret: given raw bytes, jose imports the key
 * into WebCrypto on every verification, which cost about 1 ms of CPU per request.
 */
export function accessKey(config: Config): KeyObject {
  let key = keys.get(config.appSecret);
  if (!key) {
    key = createSecretKey(Buffer.from(config.appSecret, "utf8"));
    keys.set(config.appSecret, key);
  }
  return key;
}

export async function signAccessToken(config: Config, claims: AccessClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ org: claims.org, sid: claims.sid })
    .setProtectedHeader({ alg: ACCESS_ALG, typ: "at+jwt" })
    .setSubject(claims.sub)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.auth.accessTtlSeconds)
    .sign(accessKey(config));
}

export type VerifiedToken =
  { kind: "local"; userId: number; sid: string } | { kind: "oidc"; subject: string; email: string | null };

/**
 * Access tokens whose signature and claims already verified, until they expire: verifying an
 * HS256 signature through WebCrypto cost about 0.7 ms of CPU per request. Only the time-dependent
 * checks (expiry, age) run again on a hit; the session and the user are still read from the
 * database on every request (authenticate.ts), so a logout takes effect at once. Bounded.
 */
const VERIFIED_CACHE_SIZE = 10_000;
const verifiedLocal = new Map<string, { result: VerifiedToken; exp: number; iat: number }>();

type Jwks = ReturnType<typeof createRemoteJWKSet>;
const jwksCache = new Map<string, Jwks>();

function jwksFor(url: string): Jwks {
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    jwksCache.set(url, set);
  }
  return set;
}

/**
 * Verifies a bearer token. The issuer picks the key and the algorithms: our own tokens are
 * HS256 with APP_SECRET; the identity provider's are asymmetric with keys from its JWKS. Every
 * failure is a TokenError with no detail a client could use.
 */
export async function verifyToken(config: Config, token: string, now: Date): Promise<VerifiedToken> {
  // A token that verified under this secret, issuer and audience: only the clock is checked again.
  const cacheKey = `${config.appSecret}\u0000${config.auth.issuer}\u0000${config.auth.audience}\u0000${token}`;
  const nowSec = now.getTime() / 1000;
  const hit = verifiedLocal.get(cacheKey);
  if (hit && nowSec < hit.exp && nowSec >= hit.iat && nowSec - hit.iat <= config.auth.accessTtlSeconds + 5)
    return hit.result;
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw new TokenError("malformed");
  }
  const currentDate = now;
  try {
    if (unverified.iss === config.auth.issuer) {
      const { payload, protectedHeader } = await jwtVerify(token, accessKey(config), {
        algorithms: [ACCESS_ALG],
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        typ: "at+jwt",
        currentDate,
        requiredClaims: ["exp", "iat", "sub"],
        maxTokenAge: config.auth.accessTtlSeconds + 5,
      });
      if (protectedHeader.alg !== ACCESS_ALG) throw new TokenError("alg");
      if (
        typeof payload.exp !== "number" ||
        typeof payload.iat !== "number" ||
        payload.exp - payload.iat > config.auth.accessTtlSeconds
      ) {
        throw new TokenError("lifetime");
      }
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || userId <= 0 || typeof payload.sid !== "string")
        throw new TokenError("claims");
      const result: VerifiedToken = { kind: "local", userId, sid: payload.sid };
      if (verifiedLocal.size >= VERIFIED_CACHE_SIZE) verifiedLocal.clear();
      verifiedLocal.set(cacheKey, { result, exp: payload.exp, iat: payload.iat });
      return result;
    }
    const oidc = config.auth.oidc;
    if (oidc && unverified.iss === oidc.issuer) {
      let verified;
      try {
        verified = await jwtVerify(token, jwksFor(oidc.jwksUrl), {
          algorithms: OIDC_ALGS,
          issuer: oidc.issuer,
          audience: oidc.audience,
          currentDate,
          requiredClaims: ["exp", "sub"],
        });
      } catch (err) {
        // Whatever failed (a bad token, or the provider's key server unreachable: fetch throws a
        // plain TypeError), the caller is not authenticated.
        if (err instanceof joseErrors.JOSEError) throw err;
        throw new TokenError("identity provider unreachable");
      }
      const { payload } = verified;
      // An e-mail links an account only when the provider vouches for it.
      const email =
        typeof payload.email === "string" && payload.email_verified === true
          ? payload.email.toLowerCase()
          : null;
      return { kind: "oidc", subject: `${oidc.issuer}|${payload.sub}`, email };
    }
  } catch (err) {
    if (err instanceof TokenError || err instanceof joseErrors.JOSEError) throw new TokenError("invalid");
    throw err;
  }
  throw new TokenError("issuer");
}

/** A new opaque refresh token and the SHA-256 we store. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
