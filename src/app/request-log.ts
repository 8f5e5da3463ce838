/**
 * The HTTP layer every request passes through first: it settles the request ID (a valid
 * x-request-id from the client, unless another in-flight request has it, or a new UUID; echoed in
 * the response), times the request for ntm_http_request_duration_seconds, and writes one JSON log
 * line per request when the response is finished:
 *   {"rid","method","route","status","durationMs","operation","operationType","viewerId"}
 * No header, query string, body or variable is logged (tokens and passwords travel there).
 * Probes (/health, /ready, /metrics) log at debug level so they do not flood the log.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../shared/logger";
import { httpRequestDuration } from "../shared/metrics";
import type { RequestNotes } from "./graphql-metrics";

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const PROBES = new Set(["/health", "/ready", "/metrics"]);

/** A bounded route label for a path. */
export function routeOf(pathname: string): string {
  if (pathname === "/graphql" || PROBES.has(pathname)) return pathname;
  if (pathname === "/attachments" || pathname.startsWith("/attachments/")) return "/attachments";
  if (pathname === "/admin" || pathname.startsWith("/admin/")) return "/admin";
  return "other";
}

export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export function observeRequests(
  deps: { logger: Logger; notes: RequestNotes; draining?: () => boolean },
  next: Listener,
): Listener {
  const { logger, notes } = deps;
  return (req, res) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers["x-request-id"];
    const rid =
      typeof incoming === "string" && REQUEST_ID_RE.test(incoming) && !notes.inFlight(incoming)
        ? incoming
        : randomUUID();
    // The handlers downstream read the request ID from the header.
    req.headers["x-request-id"] = rid;
    res.setHeader("x-request-id", rid);
    if (deps.draining?.()) res.setHeader("connection", "close");
    notes.begin(rid);
    let pathname = "/";
    try {
      pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    } catch {
      pathname = "/";
    }
    const route = routeOf(pathname);
    const method = (req.method ?? "GET").toUpperCase();
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      const finished = res.writableFinished;
      httpRequestDuration.observe(
        {
          route,
          method: ["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"].includes(method)
            ? method
            : "OTHER",
          status: String(status),
        },
        seconds,
      );
      const note = notes.end(rid);
      const line = {
        rid,
        method,
        route,
        status,
        durationMs: Math.round(seconds * 10000) / 10,
        operation: note?.operation ?? null,
        operationType: note?.type ?? null,
        viewerId: note?.viewerId ?? null,
        ...(finished ? {} : { aborted: true }),
      };
      if (PROBES.has(route)) logger.debug(line, "request");
      else logger.info(line, "request");
    });
    next(req, res);
  };
}
