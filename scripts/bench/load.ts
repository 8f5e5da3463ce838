/** One autocannon run against a GraphQL endpoint, reduced to the figures the reports use. */
import autocannon from "autocannon";

export interface LoadResult {
  /** Requests per second (mean over the run). */
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx responses plus errors and timeouts. */
  failures: number;
  requests: number;
}

export async function load(opts: {
  url: string;
  body: string;
  token?: string;
  seconds: number;
  connections?: number;
}): Promise<LoadResult> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const r = await autocannon({
    url: opts.url,
    method: "POST",
    headers,
    body: opts.body,
    duration: opts.seconds,
    connections: opts.connections ?? 10,
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failures: r.non2xx + r.errors + r.timeouts,
    requests: r.requests.total,
  };
}
