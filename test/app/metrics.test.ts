import type { IncomingMessage } from "node:http";
import { OperationLabels } from "../../src/app/graphql-metrics";
import { createMetricsAccess } from "../../src/app/metrics";
import { startTestApp, type TestApp } from "../helpers/server";

const TOKEN = "metrics-token-0123456789";

describe("/metrics on the API", () => {
  let app: TestApp;
  beforeAll(async () => {
    // Token only: no address is trusted, not even loopback.
    app = await startTestApp({
      configure: (c) => ({ ...c, ops: { ...c.ops, metricsToken: TOKEN, metricsAllow: [] } }),
    });
  }, 90_000);
  afterAll(async () => {
    await app.close();
  });

  const scrape = async (token: string | null) => {
    const res = await fetch(`${app.url}/metrics`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, text: await res.text() };
  };

  it("refuses a scrape without the token or with a wrong one", async () => {
    expect((await scrape(null)).status).toBe(401);
    const wrong = await scrape("not-the-token-at-all");
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain("ntm_");
  });

  it("times operations by name and type, labels unnamed and invalid ones, counts error codes", async () => {
    expect((await app.gql("query ReadyProbe { __typename }")).status).toBe(200);
    await app.gql("{ __typename }");
    await app.gql("mutation { __typename }");
    const bad = await app.gql("query SecretLookingName { noSuchField }");
    expect(bad.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const anon = await app.gqlAs(null, "query Audit { auditEntries { totalCount } }");
    const anonCode = anon.errors?.[0]?.extensions?.code;
    expect(anonCode).toBe("UNAUTHENTICATED");

    const { status, text } = await scrape(TOKEN);
    expect(status).toBe(200);
    expect(text).toMatch(
      /ntm_graphql_operation_duration_seconds_count\{operation="ReadyProbe",type="query"\} 1/,
    );
    expect(text).toMatch(
      /ntm_graphql_operation_duration_seconds_count\{operation="anonymous",type="query"\} 1/,
    );
    expect(text).toMatch(
      /ntm_graphql_operation_duration_seconds_count\{operation="anonymous",type="mutation"\} 1/,
    );
    expect(text).toMatch(
      /ntm_graphql_operation_duration_seconds_count\{operation="invalid",type="unknown"\} 1/,
    );
    // A name from a document that did not validate never becomes a label.
    expect(text).not.toContain("SecretLookingName");
    expect(text).toMatch(/ntm_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
    expect(text).toMatch(/ntm_graphql_errors_total\{code="UNAUTHENTICATED"\} 1/);
    expect(text).toMatch(
      /ntm_http_request_duration_seconds_count\{route="\/graphql",method="POST",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /ntm_http_request_duration_seconds_count\{route="\/metrics",method="GET",status="401"\} 2/,
    );
    // Queue depth, read from Redis at the scrape.
    for (const state of ["waiting", "delayed", "active", "failed"])
      expect(text).toContain(`ntm_queue_jobs{queue="reminders",state="${state}"}`);
    // Node's process metrics.
    expect(text).toContain("ntm_process_resident_memory_bytes");
    expect(text).toContain("ntm_nodejs_eventloop_lag_seconds");
  });
});

describe("who may read /metrics", () => {
  const req = (remoteAddress: string, authorization?: string) =>
    ({
      headers: authorization === undefined ? {} : { authorization },
      socket: { remoteAddress },
    }) as unknown as IncomingMessage;

  it("admits the allowlist (addresses and ranges, IPv4-mapped too) and the token, and nothing else", () => {
    const access = createMetricsAccess({
      metricsToken: TOKEN,
      metricsAllow: ["127.0.0.1", "10.1.0.0/16", "fd00::/8"],
    });
    expect(access(req("127.0.0.1"))).toBe("allowed");
    expect(access(req("::ffff:10.1.200.3"))).toBe("allowed");
    expect(access(req("fd00::17"))).toBe("allowed");
    expect(access(req("10.2.0.1"))).toBe("unauthenticated");
    expect(access(req("203.0.113.9", `Bearer ${TOKEN}`))).toBe("allowed");
    // A wrong token is refused even from a trusted address.
    expect(access(req("127.0.0.1", "Bearer wrong-token-0000000000"))).toBe("unauthenticated");
    const noToken = createMetricsAccess({ metricsToken: null, metricsAllow: ["127.0.0.1"] });
    expect(noToken(req("192.0.2.1"))).toBe("forbidden");
    expect(noToken(req("127.0.0.1", "Bearer anything-at-all-000"))).toBe("unauthenticated");
  });
});

describe("operation name labels", () => {
  it("keeps known names, calls unnamed ones anonymous, and caps new names", () => {
    const labels = new OperationLabels(3);
    expect(labels.label(null)).toBe("anonymous");
    expect(["A", "B", "C"].map((n) => labels.label(n))).toEqual(["A", "B", "C"]);
    expect(labels.label("D")).toBe("other");
    expect(labels.label("A")).toBe("A");
    expect(labels.label("x".repeat(65))).toBe("other");
    const many = new OperationLabels();
    const seen = new Set(Array.from({ length: 1000 }, (_, i) => many.label(`Op${i}`)));
    expect(seen.size).toBe(201);
  });
});
