/**
 * Draining an HTTP server on SIGTERM: stop accepting connections (the listening socket closes, so
 * new connections are refused and a load balancer moves on), close idle keep-alive connections,
 * let in-flight requests finish (their responses carry "Connection: close"), and after `timeoutMs`
 * cut whatever is still open.
 */
import type http from "node:http";

export interface Drainer {
  /** True once draining started: responses should close their connection. */
  readonly draining: boolean;
  /** Resolves when every connection is closed; true when all finished within the timeout. */
  drain(timeoutMs: number): Promise<boolean>;
}

export function createDrainer(server: http.Server): Drainer {
  let draining = false;
  let done: Promise<boolean> | null = null;
  // A keep-alive connection that finishes its request during the drain is closed right after.
  server.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (draining && !res.headersSent) res.setHeader("connection", "close");
  });
  return {
    get draining() {
      return draining;
    },
    drain(timeoutMs) {
      done ??= new Promise<boolean>((resolve) => {
        draining = true;
        if (!server.listening) return resolve(true);
        // Connections that turn idle after their last response are closed as they go.
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        const timer = setTimeout(() => {
          clearInterval(sweeper);
          server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweeper);
          resolve(true);
        });
        server.closeIdleConnections();
      });
      return done;
    },
  };
}
