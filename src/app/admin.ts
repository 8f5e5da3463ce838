/**
 * /admin: the BullMQ dashboard (@bull-board) at /admin/queues, for SYSTEM_ADMIN only.
 *
 * Browsers cannot send a bearer header when they open a page, so an administrator trades an access
 * token for a session cookie:
 *   POST /admin/session   token=<access token> (form or JSON {"token": ...}) → Set-Cookie ntm_admin
 *   GET  /admin/session   a small form to paste the token into (it holds no data)
 *   POST /admin/logout    clears the cookie
 * The cookie is HttpOnly, SameSite=Strict, Path=/admin, Secure in production, lives
 * ADMIN_SESSION_TTL_SECONDS (15 minutes by default) and is an HMAC (key derived from APP_SECRET) over
 * the user id, the token's session and the expiry. Every request re-reads the user: a disabled,
 * locked or demoted account, or a logged-out session, loses the dashboard at once.
 * API clients may instead send "Authorization: Bearer <access token>" on every request.
 * Anyone else gets 401 (no or bad credentials) or 403 (not a system administrator), and the request
 * never reaches bull-board's code. State-changing requests carrying a foreign Origin are refused.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Queue } from "bullmq";
import type express from "express";
import type { DataSource } from "typeorm";
import { authenticate } from "../auth/authenticate";
import type { Config } from "../config/env";
import type { Clock } from "../shared/clock";
import { DomainError } from "../shared/errors";
import type { Logger } from "../shared/logger";
import { Role } from "../shared/roles";

export const ADMIN_COOKIE = "ntm_admin";
export const QUEUES_PATH = "/admin/queues";
const MAX_FORM_BYTES = 16 * 1024;

export interface AdminDeps {
  config: Config;
  ds: DataSource;
  clock: Clock;
  logger: Logger;
  /** The queues the dashboard shows. */
  queues: readonly Queue[];
}

interface Admitted {
  userId: number;
  sessionId: string | null;
}

type Verdict = { ok: true; admin: Admitted } | { ok: false; status: 401 | 403; message: string };

export function sessionKey(appSecret: string): Buffer {
  return createHmac("sha256", appSecret).update("ntm-admin-session-v1").digest();
}

function sign(key: Buffer, payload: string): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

/** v1.<userId>.<sessionId or ->.<expiry epoch s>.<hmac> */
export function makeAdminCookieValue(key: Buffer, admin: Admitted, expiresAt: number): string {
  const payload = `v1.${admin.userId}.${admin.sessionId ?? "-"}.${expiresAt}`;
  return `${payload}.${sign(key, payload)}`;
}

export function readAdminCookieValue(key: Buffer, value: string, nowS: number): Admitted | null {
  const m = /^(v1\.(\d{1,12})\.([A-Za-z0-9_-]{1,64})\.(\d{1,12}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return null;
  const expected = Buffer.from(sign(key, m[1]));
  const given = Buffer.from(m[5]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (Number(m[4]) <= nowS) return null;
  return { userId: Number(m[2]), sessionId: m[3] === "-" ? null : m[3] };
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function readSmallBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const LOGIN_FORM = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Queues dashboard: sign in</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>Queues dashboard</h1>
<p>System administrators only. Paste an access token (from the <code>login</code> mutation).</p>
<form method="post" action="/admin/session">
<textarea name="token" rows="6" cols="70" required autocomplete="off"></textarea><br>
<button type="submit">Open the dashboard</button>
</form></body></html>`;

/** The re-check of a cookie's user: active, unlocked, organization active, still SYSTEM_ADMIN, session live. */
async function stillAdmin(ds: DataSource, admin: Admitted, now: Date): Promise<boolean> {
  const rows: Array<{ ok: number | string }> = await ds.query(
    `SELECT COUNT(*) AS ok
       FROM app_user u JOIN organization o ON o.id = u.org_id
      WHERE u.id = ? AND u.status = 'active' AND o.active = 1
        AND (u.locked_until IS NULL OR u.locked_until <= ?)
        AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role = ?)
        AND (? IS NULL OR EXISTS (SELECT 1 FROM refresh_token t WHERE t.family_id = ? AND t.user_id = u.id
                                   AND t.revoked_at IS NULL AND t.expires_at > ?))`,
    [admin.userId, now, Role.SYSTEM_ADMIN, admin.sessionId, admin.sessionId, now],
  );
  return Number(rows[0]?.ok ?? 0) > 0;
}

export function createAdminHandler(deps: AdminDeps) {
  const { config, ds, clock, logger } = deps;
  const key = sessionKey(config.appSecret);
  const ttl = config.ops.adminSessionTtlSeconds;
  const secure = config.nodeEnv === "production";

  // The dashboard (bull-board and express, about 5 MB of heap) is built for the first administrator
  // who opens it, not when the API starts (README, "Memory").
  let board: Promise<express.Express> | null = null;
  const openBoard = () =>
    (board ??= (async () => {
      const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }, { default: createApp }] =
        await Promise.all([
          import("@bull-board/api"),
          import("@bull-board/api/bullMQAdapter"),
          import("@bull-board/express"),
          import("express"),
        ]);
      const serverAdapter = new ExpressAdapter();
      serverAdapter.setBasePath(QUEUES_PATH);
      createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
      const app = createApp();
      app.disable("x-powered-by");
      app.use(QUEUES_PATH, serverAdapter.getRouter() as express.Router);
      return app;
    })());

  const byToken = async (header: string): Promise<Verdict> => {
    try {
      const viewer = await authenticate(ds, config, header, clock.now());
      if (!viewer) return { ok: false, status: 401, message: "Authentication required" };
      if (!viewer.roles.has(Role.SYSTEM_ADMIN))
        return { ok: false, status: 403, message: "System administrators only" };
      return { ok: true, admin: { userId: viewer.userId, sessionId: viewer.sessionId } };
    } catch (err) {
      if (err instanceof DomainError) return { ok: false, status: 401, message: err.message };
      throw err;
    }
  };

  const verdict = async (req: IncomingMessage): Promise<Verdict> => {
    const header = req.headers.authorization;
    if (header !== undefined) return byToken(header);
    const cookie = cookieOf(req, ADMIN_COOKIE);
    if (cookie === null) return { ok: false, status: 401, message: "Authentication required" };
    const now = clock.now();
    const admin = readAdminCookieValue(key, cookie, Math.floor(now.getTime() / 1000));
    if (!admin) return { ok: false, status: 401, message: "The admin session is invalid or expired" };
    if (!(await stillAdmin(ds, admin, now)))
      return { ok: false, status: 403, message: "System administrators only" };
    // A cookie-borne state change must come from our own pages (SameSite=Strict does the rest).
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(req.method ?? "GET");
    const origin = req.headers.origin;
    if (unsafe && origin !== undefined) {
      let host: string | null = null;
      try {
        host = new URL(origin).host;
      } catch {
        host = null;
      }
      if (host !== req.headers.host)
        return { ok: false, status: 403, message: "Cross-origin request refused" };
    }
    return { ok: true, admin };
  };

  const cookieHeader = (value: string, maxAge: number) =>
    `${ADMIN_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;

  const openSession = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readSmallBody(req);
    if (raw === null) return sendJson(res, 413, { error: "Body too large" });
    const type = req.headers["content-type"] ?? "";
    let token: unknown;
    if (type.includes("application/json")) {
      try {
        token = (JSON.parse(raw) as { token?: unknown }).token;
      } catch {
        return sendJson(res, 400, { error: "Body is not valid JSON" });
      }
    } else if (type.includes("application/x-www-form-urlencoded")) {
      token = new URLSearchParams(raw).get("token");
    } else {
      return sendJson(res, 415, { error: 'Send a form (token=...) or JSON {"token": ...}' });
    }
    if (typeof token !== "string" || token.trim() === "")
      return sendJson(res, 400, { error: "token is required" });
    const v = await byToken(`Bearer ${token.trim()}`);
    if (!v.ok) return sendJson(res, v.status, { error: v.message });
    const expiresAt = Math.floor(clock.now().getTime() / 1000) + ttl;
    const cookie = cookieHeader(makeAdminCookieValue(key, v.admin, expiresAt), ttl);
    logger.info({ userId: v.admin.userId }, "admin dashboard session opened");
    if (type.includes("application/json"))
      return sendJson(
        res,
        200,
        { expiresAt: new Date(expiresAt * 1000).toISOString() },
        { "set-cookie": cookie },
      );
    res.writeHead(303, { location: `${QUEUES_PATH}/`, "set-cookie": cookie, "cache-control": "no-store" });
    res.end();
  };

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    if (path === "/admin/session") {
      if (req.method === "POST") return openSession(req, res);
      if (req.method === "GET") {
        res.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "content-security-policy": "default-src 'none'; form-action 'self'; style-src 'unsafe-inline'",
        });
        res.end(LOGIN_FORM);
        return;
      }
      return sendJson(res, 405, { error: "Use GET or POST" }, { allow: "GET, POST" });
    }
    if (path === "/admin/logout" && req.method === "POST") {
      res.writeHead(204, { "set-cookie": cookieHeader("", 0), "cache-control": "no-store" });
      res.end();
      return;
    }
    const v = await verdict(req);
    if (!v.ok) {
      const headers: Record<string, string> =
        v.status === 401 ? { "www-authenticate": 'Bearer realm="admin"' } : {};
      return sendJson(res, v.status, { error: v.message, signIn: "/admin/session" }, headers);
    }
    if (path === "/admin" || path === "/admin/") {
      res.writeHead(302, { location: `${QUEUES_PATH}/` });
      res.end();
      return;
    }
    if (path === QUEUES_PATH || path.startsWith(`${QUEUES_PATH}/`)) {
      (await openBoard())(req as express.Request, res as express.Response);
      return;
    }
    sendJson(res, 404, { error: "Not found" });
  };
}
