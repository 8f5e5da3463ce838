/**
 * A private redis-server on a fixed port that a drill can stop and start again (nothing kept on
 * disk, as the shared one). Never the shared Redis.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";

export interface RestartableRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  /** SIGKILL: Redis vanishes as in a crash. */
  kill(): Promise<void>;
}

export function restartableRedis(port: number): RestartableRedis {
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    async start() {
      child = spawn(
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
      child.once("error", () => {});
      const deadline = Date.now() + 10_000;
      for (;;) {
        const probe = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on("error", () => {});
        try {
          await probe.connect();
          if ((await probe.ping()) === "PONG") return;
        } catch {
          if (Date.now() > deadline)
            throw new Error(`redis-server on port ${port} did not answer within 10 s`);
        } finally {
          probe.disconnect();
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const done = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await done;
    },
  };
}
