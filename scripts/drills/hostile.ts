/**
 * Malformed and hostile operations for the hostile-input drill: random documents, huge strings,
 * deep nesting, alias and directive floods, fragment cycles, wrong types, invalid UTF-8, bad JSON,
 * wrong content types and methods, batched arrays. Deterministic for a seed. `sendHostile` sends
 * them and checks every answer: nothing internal (stack, SQL, driver or ORM names) may reach a client.
 */
import http from "node:http";

export interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Send the admin's token with it. */
  signedIn: boolean;
}

/** What must never appear in an answer (unless the request itself contained it). */
export const LEAK_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ["stack frame", /\bat (?:async )?[\w$.<>[\]]+ \(|\n\s+at |\(\/[^)]*:\d+:\d+\)/],
  ["SQL", /\b(?:SELECT|INSERT INTO|UPDATE `|DELETE FROM)\b/],
  ["driver error code", /\bER_[A-Z_]+|ECONNREFUSED|ETIMEDOUT/],
  ["driver name", /mysql|mariadb|ioredis/i],
  ["ORM name", /TypeORM|QueryFailedError|EntityNotFound/i],
  ["file path", /node_modules|\/src\/|\.ts:\d+|\.js:\d+/],
];

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ":",
  "$",
  "!",
  "...",
  "@",
  "=",
  ",",
  "|",
  "&",
  "query",
  "mutation",
  "subscription",
  "fragment",
  "on",
  "tasks",
  "units",
  "node",
  "id",
  "me",
  "first",
  "after",
  "filter",
  "__typename",
  "__schema",
  "__type",
  "edges",
  "nodes",
  "name",
  "true",
  "null",
  '"x"',
  '"""',
  "123",
  "-1",
  "1e309",
  "#",
  "\n",
  "include",
  "skip",
  "if",
  "ID",
  "Int",
  "String",
  "login",
  "input",
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function json(query: unknown, variables?: unknown, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ query, variables, ...extra }), "utf8");
}

const JSON_HEADERS = { "content-type": "application/json" };

/** The i-th hostile request of the sequence for `seed`. */
export function hostileRequest(i: number, seed: number): HostileRequest {
  const r = prng(seed * 100_003 + i);
  const post = (kind: string, body: Buffer | null, headers: Record<string, string> = JSON_HEADERS) => ({
    kind,
    method: "POST",
    path: "/graphql",
    headers,
    body,
    signedIn: r() < 0.6,
  });
  const n = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo));
  switch (i % 16) {
    case 0: {
      const len = n(1, 80);
      return post("random document", json(Array.from({ length: len }, () => pick(r, TOKENS)).join(" ")));
    }
    case 1: {
      const size = pick(r, [10_000, 100_000, 900_000]);
      return post(
        "huge string literal",
        json(`{ units(filter: { search: "${"ạ".repeat(size / 3)}" }) { totalCount } }`),
      );
    }
    case 2:
      return post(
        "huge variable",
        json("query($s: String) { units(filter: { search: $s }) { totalCount } }", {
          s: "x".repeat(pick(r, [1000, 500_000])),
        }),
      );
    case 3: {
      const depth = n(12, 400);
      const q = `{ units(first: 1) { nodes { ${"parent { ".repeat(depth)}id${" }".repeat(depth)} } } }`;
      return post("deep nesting", json(q));
    }
    case 4: {
      const k = n(16, 3000);
      return post(
        "alias flood",
        json(
          `{ ${Array.from({ length: k }, (_, j) => `a${j}: tasks(first: 100) { totalCount }`).join(" ")} }`,
        ),
      );
    }
    case 5: {
      const k = n(11, 2000);
      return post(
        "directive flood",
        json(`{ me ${Array.from({ length: k }, () => "@include(if: true)").join(" ")} { roles } }`),
      );
    }
    case 6:
      return post(
        "fragment cycle",
        json("query { ...A } fragment A on Query { me { roles } ...B } fragment B on Query { ...A }"),
      );
    case 7: {
      const variants: Array<[string, unknown]> = [
        ['{ tasks(first: "ten") { totalCount } }', undefined],
        ["query($f: Int!) { tasks(first: $f) { totalCount } }", { f: { a: [1, 2] } }],
        ["query($f: Int!) { tasks(first: $f) { totalCount } }", { f: 1e12 }],
        ["query($f: Int!) { tasks(first: $f) { totalCount } }", { f: -5 }],
        ["query($id: ID!) { node(id: $id) { id } }", { id: 12345 }],
        ["query($id: ID!) { task(id: $id) { code } }", { id: "VGFzazo5OTk5OTk5OTk5OTk5OTk5OTk5" }],
        ["query($id: ID!) { task(id: $id) { code } }", { id: "not base64 !!!" }],
        [
          "query($id: ID!) { unit(id: $id) { name } }",
          { id: Buffer.from("Unit:1 OR 1=1").toString("base64url") },
        ],
        ['{ tasks(first: 10, after: "garbage-cursor") { totalCount } }', undefined],
        ["{ tasks(first: 10, orderBy: NOPE) { totalCount } }", undefined],
        ["query($w: TaskFilter) { tasks(filter: $w) { totalCount } }", { w: { unitId: [], overdue: "yes" } }],
        ["{ timelinessCounts(groupBy: ALL) { total } }", undefined],
      ];
      const [q, v] = pick(r, variants);
      return post("wrong types", json(q, v));
    }
    case 8: {
      const raw = Buffer.concat([
        Buffer.from('{"query":"{ units(filter: { search: \\"', "utf8"),
        Buffer.from(
          Array.from({ length: n(1, 64) }, () => pick(r, [0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0xf8])),
        ),
        Buffer.from('\\" }) { totalCount } }"}', "utf8"),
      ]);
      return post("invalid UTF-8", raw);
    }
    case 9: {
      const bodies = [
        '{"query":',
        "{",
        "nul",
        "null",
        "[]",
        '"string"',
        '{"query": 1}',
        '{"query": null}',
        '{"query": "{ me { roles } }", "variables": "nope"}',
        '{"query": "{ me { roles } }", "operationName": 5}',
        "\u0000\u0001\u0002",
        '{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
      ];
      return post("bad JSON", Buffer.from(pick(r, bodies), "utf8"));
    }
    case 10: {
      const type = pick(r, [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/graphql",
        "application/xml",
        "",
      ]);
      const headers: Record<string, string> = type ? { "content-type": type } : {};
      return post("wrong content type", json("{ __typename }"), headers);
    }
    case 11: {
      const k = n(2, 200);
      return post(
        "batched array",
        Buffer.from(JSON.stringify(Array.from({ length: k }, () => ({ query: "{ me { roles } }" })))),
      );
    }
    case 12: {
      const m = pick(r, ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]);
      const q = encodeURIComponent(
        pick(r, ["{ __typename }", "mutation { logout { ok } }", "{ me { roles }", "x".repeat(5000)]),
      );
      return {
        kind: "wrong method",
        method: m,
        path: `/graphql?query=${q}`,
        headers: {},
        body: null,
        signedIn: r() < 0.5,
      };
    }
    case 13:
      return post(
        "hostile mutation input",
        json("mutation($i: LoginInput!) { login(input: $i) { userErrors { code } } }", {
          i: pick(r, [
            { email: "a".repeat(100_000), password: "x" },
            { email: 5, password: null },
            { email: "'; --", password: "\u0000" },
            {},
          ]),
        }),
      );
    case 14: {
      const k = n(2, 50);
      return post(
        "many operations",
        json(Array.from({ length: k }, (_, j) => `query Q${j} { __typename }`).join(" "), undefined, {
          operationName: pick(r, [null, "Nope", "Q1", 7]),
        }),
      );
    }
    default: {
      const paths = [
        "/",
        "/graphql/",
        "/graphql%00",
        "/attachments/../../etc/passwd",
        "/attachments/%ff",
        "/health?x=" + "y".repeat(3000),
      ];
      return {
        kind: "odd path",
        method: pick(r, ["GET", "POST"]),
        path: pick(r, paths),
        headers: JSON_HEADERS,
        body: null,
        signedIn: false,
      };
    }
  }
}

export interface HostileReport {
  sent: number;
  byStatus: Record<string, number>;
  /** Answers that showed something internal. */
  leaks: Array<{ kind: string; what: string; excerpt: string }>;
  /** Requests that got no HTTP answer (connection reset, timeout). */
  noAnswer: Array<{ kind: string; error: string }>;
  serverErrors: Array<{ kind: string; body: string }>;
}

function send(
  base: URL,
  req: HostileRequest,
  token: string | null,
  agent: http.Agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.signedIn && token) headers.authorization = `Bearer ${token}`;
    if (req.body) headers["content-length"] = req.body.length;
    const out = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        agent,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    out.on("timeout", () => out.destroy(new Error("timeout")));
    out.on("error", reject);
    out.end(req.body ?? undefined);
  });
}

/** Sends `count` hostile requests (`concurrency` at a time) and checks every answer. */
export async function sendHostile(opts: {
  baseUrl: string;
  token: string | null;
  count: number;
  seed?: number;
  concurrency?: number;
}): Promise<HostileReport> {
  const base = new URL(opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 8 });
  const report: HostileReport = { sent: 0, byStatus: {}, leaks: [], noAnswer: [], serverErrors: [] };
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.count) return;
      const req = hostileRequest(i, opts.seed ?? 7);
      report.sent += 1;
      try {
        const { status, body } = await send(base, req, opts.token, agent);
        report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
        const asked = `${req.path} ${req.body?.toString("utf8") ?? ""}`;
        for (const [what, re] of LEAK_PATTERNS) {
          const m = re.exec(body);
          if (m && !re.test(asked)) {
            const at = Math.max(0, m.index - 80);
            report.leaks.push({ kind: req.kind, what, excerpt: body.slice(at, at + 240) });
          }
        }
        if (status >= 500) report.serverErrors.push({ kind: req.kind, body: body.slice(0, 300) });
      } catch (err) {
        report.noAnswer.push({ kind: req.kind, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  } finally {
    agent.destroy();
  }
  return report;
}
