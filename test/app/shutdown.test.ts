import net from "node:net";
import { createTestDb, type TestDb } from "../helpers/db";
import { freePort, runTsEntry, type RunningProcess } from "../reminders/processes";

/** Resolves once a new connection to the port is refused (the listening socket is closed). */
async function refusedSoon(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "ECONNREFUSED"));
    });
    if (refused) return;
    if (Date.now() > deadline)
      throw new Error(`port ${port} still accepts connections after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("graceful shutdown of the API process", () => {
  let db: TestDb;
  let api: RunningProcess | null = null;
  beforeAll(async () => {
    db = await createTestDb();
  }, 90_000);
  afterAll(async () => {
    if (api && api.child.exitCode === null) {
      api.child.kill("SIGKILL");
      await api.exited;
    }
    if (db) await db.drop();
  });

  it("on SIGTERM refuses new connections, finishes the request in flight with 200, and exits 0", async () => {
    const port = await freePort();
    api = runTsEntry("src/index.ts", {
      DATABASE_URL: db.config.databaseUrl,
      REDIS_PREFIX: db.config.redisPrefix,
      PORT: String(port),
      HOST: "127.0.0.1",
      START_WORKERS: "false",
      SEED_ON_START: "false",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: "30000",
    });
    await api.waitForOutput("NTM plan API ready", 60_000);

    // A request in flight: headers sent (the server answers 100 Continue once it has taken the
    // request), the body only half sent.
    const body = JSON.stringify({ query: "query Slow { __typename }" });
    const socket = net.connect(port, "127.0.0.1");
    let response = "";
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const continued = new Promise<void>((resolve) =>
      socket.on("data", (c: Buffer) => {
        response += c.toString("utf8");
        if (response.includes("100 Continue")) resolve();
      }),
    );
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `X-Request-Id: slow-request-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await continued;
    socket.write(body.slice(0, 10));

    api.child.kill("SIGTERM");
    await refusedSoon(port);
    expect(api.child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await ended;
    const final = response.slice(response.indexOf("HTTP/1.1 200"));
    expect(final.startsWith("HTTP/1.1 200 OK")).toBe(true);
    // (and the server closed the connection after it: `ended` resolved)
    expect(final).toContain('{"data":{"__typename":"Query"}}');

    expect(await api.exited).toEqual({ code: 0, signal: null });
    const out = api.stdout();
    expect(out).toContain('"rid":"slow-request-1"');
    expect(out).toContain('"msg":"stopped"');
  }, 120_000);
});
