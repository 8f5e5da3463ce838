/**
 * GET /metrics (Prometheus text format) for the API and the worker. Who may read it:
 *  - a request with "Authorization: Bearer <METRICS_TOKEN>" (compared in constant time), from anywhere;
 *  - a request from an address in METRICS_ALLOW (addresses or CIDR ranges; loopback by default).
 * A wrong token is refused even from an allowed address. Refused: 401 when a token could be
 * given (METRICS_TOKEN set), 403 otherwise. Metric names and labels: README, "Deploy, observe and scale".
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import net from "node:net";
import type { Config } from "../config/env";
import { registry } from "../shared/metrics";

export type MetricsAccess = "allowed" | "unauthenticated" | "forbidden";

function sameSecret(a: string, b: string): boolean {
  // Hash first: equal lengths for timingSafeEqual, and the token's length stays secret.
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function allowList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split("/");
    const type = net.isIPv6(addr) ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

/** The client's address as the socket sees it; IPv4-mapped IPv6 (::ffff:1.2.3.4) read as IPv4. */
function clientAddress(req: IncomingMessage): string | null {
  const a = req.socket.remoteAddress;
  if (!a) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1] : a;
}

export function createMetricsAccess(ops: Pick<Config["ops"], "metricsToken" | "metricsAllow">) {
  const allowed = allowList(ops.metricsAllow);
  return (req: IncomingMessage): MetricsAccess => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (ops.metricsToken !== null && m && sameSecret(m[1], ops.metricsToken)) return "allowed";
      return "unauthenticated";
    }
    const addr = clientAddress(req);
    if (addr && allowed.check(addr, net.isIPv6(addr) ? "ipv6" : "ipv4")) return "allowed";
    return ops.metricsToken !== null ? "unauthenticated" : "forbidden";
  };
}

export function createMetricsHandler(ops: Pick<Config["ops"], "metricsToken" | "metricsAllow">) {
  const access = createMetricsAccess(ops);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const verdict = access(req);
    if (verdict !== "allowed") {
      const status = verdict === "unauthenticated" ? 401 : 403;
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        ...(status === 401 ? { "www-authenticate": 'Bearer realm="metrics"' } : {}),
      });
      res.end(JSON.stringify({ error: status === 401 ? "Metrics token required" : "Forbidden" }));
      return;
    }
    const text = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
    res.end(text);
  };
}
