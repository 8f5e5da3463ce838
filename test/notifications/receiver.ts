/** A real webhook receiver on 127.0.0.1 (port 0) for tests: it verifies each signature. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/** A real receiver on 127.0.0.1 that verifies the signature the way a subscriber would. */
export async function startReceiver(secret: string, status: () => number, delayMs = 0) {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const expected = Buffer.from(
        `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
        "utf8",
      );
      const given = Buffer.from(String(req.headers["x-ntm-signature"] ?? ""), "utf8");
      received.push({
        headers: req.headers,
        body,
        signatureValid: given.length === expected.length && timingSafeEqual(given, expected),
      });
      const answer = () => {
        res.statusCode = status();
        res.end("internal detail the API must not keep");
      };
      if (delayMs > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, delayMs);
        timers.add(t);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
