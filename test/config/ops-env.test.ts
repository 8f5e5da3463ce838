import { ConfigError, loadConfig } from "../../src/config/env";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("operations settings", () => {
  it("defaults: /metrics from loopback only, no worker listener, 15-minute admin cookie, 10 s drain", () => {
    expect(loadConfig({}).ops).toEqual({
      metricsToken: null,
      metricsAllow: ["127.0.0.1", "::1"],
      workerMetricsPort: null,
      workerMetricsHost: "0.0.0.0",
      adminSessionTtlSeconds: 900,
      shutdownTimeoutMs: 10000,
    });
  });

  it("reads a token, an allowlist with ranges, and the worker port", () => {
    const c = loadConfig({
      METRICS_TOKEN: "t".repeat(20),
      METRICS_ALLOW: " 10.0.0.0/8, fd00::/8 ,192.168.1.7",
      WORKER_METRICS_PORT: "9464",
      WORKER_METRICS_HOST: "127.0.0.1",
      ADMIN_SESSION_TTL_SECONDS: "300",
      SHUTDOWN_TIMEOUT_MS: "25000",
    });
    expect(c.ops).toEqual({
      metricsToken: "t".repeat(20),
      metricsAllow: ["10.0.0.0/8", "fd00::/8", "192.168.1.7"],
      workerMetricsPort: 9464,
      workerMetricsHost: "127.0.0.1",
      adminSessionTtlSeconds: 300,
      shutdownTimeoutMs: 25000,
    });
  });

  it("an explicitly empty METRICS_ALLOW admits no address (token only)", () => {
    expect(loadConfig({ METRICS_ALLOW: "" }).ops.metricsAllow).toEqual([]);
  });

  it("names every bad operations setting", () => {
    const p = problems({
      METRICS_TOKEN: "short",
      METRICS_ALLOW: "10.0.0.0/33,example.org,1.2.3.4",
      WORKER_METRICS_PORT: "70000",
      WORKER_METRICS_HOST: "not an address",
      ADMIN_SESSION_TTL_SECONDS: "5",
      SHUTDOWN_TIMEOUT_MS: "x",
    });
    expect(p).toEqual(
      expect.arrayContaining([
        "METRICS_TOKEN must be at least 16 characters without spaces, or empty",
        'METRICS_ALLOW must list IP addresses or CIDR ranges separated by commas (bad: "10.0.0.0/33", "example.org")',
        'WORKER_METRICS_PORT must be an integer 1-65535, or empty for none (got "70000")',
        'WORKER_METRICS_HOST must be an IP address such as 0.0.0.0 (got "not an address")',
        'ADMIN_SESSION_TTL_SECONDS must be an integer from 60 to 3600 (got "5")',
        'SHUTDOWN_TIMEOUT_MS must be an integer from 100 to 600000 (got "x")',
      ]),
    );
    expect(p).toHaveLength(6);
  });
});
