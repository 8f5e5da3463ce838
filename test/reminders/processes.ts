import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { Redis } from "ioredis";

const ROOT = path.resolve(__dirname, "../..");

/** A free TCP port on 127.0.0.1 (the OS picks it; released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A Redis server of this test's own (nothing kept on disk), so the test may FLUSHALL it without
 * touching the Redis other tests share. `port`: start it again where a stopped one listened.
 */
export async function startPrivateRedis(opts: { port?: number } = {}): Promise<PrivateRedis> {
  const port = opts.port ?? (await freePort());
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  const failed = new Promise<never>((_, reject) =>
    child.once("error", (err) =>
      reject(new Error(`cannot start redis-server (is it installed?): ${err.message}`)),
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      // A plain TCP probe first: ioredis keeps a timer alive for seconds after a refused connection,
      // which kept jest from exiting after the test.
      if (!(await acceptsTcp(port))) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === "PONG") return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      } finally {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    url,
    async stop() {
      const done = exited(child);
      child.kill("SIGTERM");
      await done;
    },
  };
}

/** Loads .ts files through @swc/core, as jest does, so a child process runs the real entry point. */
const TS_HOOK = `
const fs = require("node:fs");
const { transformSync } = require("@swc/core");
const swcrc = JSON.parse(fs.readFileSync(".swcrc", "utf8"));
delete swcrc.$schema;
swcrc.sourceMaps = false;
require.extensions[".ts"] = (mod, filename) => {
  mod._compile(transformSync(fs.readFileSync(filename, "utf8"), { ...swcrc, filename }).code, filename);
};
require(require("node:path").resolve(process.argv[1]));
`;

export interface RunningProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout contains `text`; fails after `timeoutMs` or when the process exits first. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs workers/index.ts (or another entry, relative to the root; TypeScript compiled on the fly) with extra environment. */
export function runWorkerEntry(env: Record<string, string>, entry = "workers/index.ts"): RunningProcess {
  return runTsEntry(entry, env);
}

/** Runs an entry point (e.g. src/index.ts, the API) compiled on the fly, with extra environment. */
export function runTsEntry(file: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ["-e", TS_HOOK, file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString("utf8")));
  const done = exited(child);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: done,
    async waitForOutput(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (child.exitCode !== null)
          throw new Error(`worker exited (${child.exitCode}) before "${text}": ${err}`);
        if (Date.now() > deadline)
          throw new Error(`no "${text}" within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
