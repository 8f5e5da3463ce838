/**
 * The dashboard's answer cache. Dashboards ask the same questions again and again (the national
 * view, a province drilled down to its communes) of figures that change only when a roll-up
 * commits. Executing such an operation is GraphQL work over thousands of fields, and even a cached
 * answer, returned through Apollo's pipeline, is serialized again on every request: with 16
 * clients at once on two cores, that CPU per request turns into a queue.
 *
 * So the finished response body is kept, and served by the HTTP layer before Apollo:
 * - an operation is cacheable when every root field is a roll-up read (CACHED_FIELDS) and it
 *   answered without errors; the plugin below tells the HTTP layer so after Apollo ran it;
 * - the key is the roll-up version, the viewer (user, organization, unit, roles: answers depend on
 *   the viewer's task scope), the Accept header and the request body exactly as sent (query,
 *   operation name and variables), so only a byte-identical request can hit;
 * - the version (progress_plan, bumped in every roll-up's own transaction) is read by a statement
 *   that starts after the request arrived, so an answer stops being used the moment a roll-up
 *   commits; concurrent requests share such reads (VersionReader), not one statement each;
 * - the viewer is authenticated exactly as Apollo's path does (token, then the session, from the
 *   session cache when fresh); a caller who is not signed in, or whose token fails, goes through
 *   Apollo and gets its usual error;
 * - entries also expire after PROGRESS_CACHE_SECONDS, which bounds how long what the roll-up does
 *   not version (unit and organization names) or a lagging read replica can show; at most
 *   PROGRESS_CACHE_ENTRIES answers and ANSWER_CACHE_BYTES of them are kept.
 * A hit is logged and timed like any operation (request log, operation metrics).
 */
import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, type OperationDefinitionNode } from "graphql";
import type { DataSource } from "typeorm";
import { readFromReplica } from "../db/replica";
import { progressVersion } from "../rollup/rollup.sql";
import type { Context } from "../shared/context";
import type { Viewer } from "../shared/viewer";

/** Root fields whose answers come from the rolled-up tables only (and unit/organization names). */
export const CACHED_FIELDS: ReadonlySet<string> = new Set([
  "nationalProgress",
  "unitProgress",
  "progressUnits",
]);
const MENTIONS_CACHED = new RegExp([...CACHED_FIELDS].join("|"));

/** Bytes of answers one API process keeps at most (two per character: Vietnamese names). */
export const ANSWER_CACHE_BYTES = 16 * 2 ** 20;
/** Request bodies longer than this are never looked up (a dashboard query is a few hundred bytes). */
const MAX_CACHED_BODY = 16 * 1024;

/** A finished response: what the HTTP layer writes for a hit. */
export interface CachedAnswer {
  body: string;
  headers: ReadonlyArray<[string, string]>;
  /** For the request log and the operation metrics. */
  operation: string | null;
  viewerId: number;
}

/** A bounded map, least recently used first out, with an expiry per entry and a size budget. */
export class AnswerCache<T extends { body: string } = CachedAnswer> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxBytes = ANSWER_CACHE_BYTES,
  ) {}

  get(key: string): T | null {
    const e = this.entries.get(key);
    if (!e) return null;
    this.entries.delete(key);
    if (e.expires <= this.now()) {
      this.bytes -= sizeOf(e.value);
      return null;
    }
    this.entries.set(key, e);
    return e.value;
  }

  set(key: string, value: T): void {
    const size = sizeOf(value);
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= sizeOf(old.value);
    }
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    this.bytes += size;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest[0]);
      this.bytes -= sizeOf(oldest[1].value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }
}

const sizeOf = (v: { body: string }) => v.body.length * 2;

/**
 * Reads a value for requests so that each gets one read that started after it asked, while
 * concurrent requests share reads: at most one read runs and one waits to start after it.
 */
export class VersionReader {
  private running: Promise<string> | null = null;
  private waiting: Promise<string> | null = null;
  constructor(private readonly read: () => Promise<string>) {}

  current(): Promise<string> {
    if (!this.running) return this.start();
    // The running read may have started before this request: wait for the next one.
    this.waiting ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.waiting = null;
        return this.start();
      });
    return this.waiting;
  }

  private start(): Promise<string> {
    const p = this.read().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}

/**
 * True when every root field of the query is a cached roll-up read (no fragments at the root).
 * `op` is undefined when the request names an operation the document does not hold.
 */
export function isCachedOperation(op: OperationDefinitionNode | undefined): boolean {
  if (!op || op.operation !== "query") return false;
  let any = false;
  for (const sel of op.selectionSet.selections) {
    if (sel.kind !== Kind.FIELD) return false;
    if (sel.name.value === "__typename") continue;
    if (!CACHED_FIELDS.has(sel.name.value)) return false;
    any = true;
  }
  return any;
}

function viewerKey(v: Viewer): string {
  return [v.userId, v.orgId, v.unitPath, [...v.roles].sort().join(",")].join("|");
}

export interface ProgressAnswers {
  /**
   * For a POSTed JSON body that may be a roll-up read: the cached answer; or the viewer, when the
   * request may be cached once Apollo answers it (then call `settle` with the request ID); null
   * when the request is not a candidate (Apollo runs as for any request).
   */
  lookup(
    requestId: string,
    raw: string,
    accept: string,
    authenticate: () => Promise<Viewer | null>,
  ): Promise<{ hit: CachedAnswer } | { viewer: Viewer } | null>;
  /**
   * After Apollo ran a request `lookup` gave a viewer for: keeps `answer` when the plugin found the
   * operation cacheable and successful; null (Apollo threw) forgets the request.
   */
  settle(requestId: string, answer: Pick<CachedAnswer, "body" | "headers"> | null): void;
  /** The Apollo plugin that marks cacheable operations (of requests `lookup` is waiting for). */
  plugin: ApolloServerPlugin<Context>;
}

export function createProgressAnswers(opts: {
  ds: DataSource;
  seconds: number;
  entries: number;
}): ProgressAnswers | null {
  if (opts.seconds === 0) return null;
  const cache = new AnswerCache<CachedAnswer>(opts.entries, opts.seconds * 1000);
  const versions = new VersionReader(() => readFromReplica(opts.ds, (m) => progressVersion(m)));
  /** Requests in Apollo that may be cached, by request ID: their key and whether they qualified. */
  const pending = new Map<
    string,
    { key: string; userId: number; cacheable: boolean; operation: string | null }
  >();
  return {
    async lookup(requestId, raw, accept, authenticate) {
      if (raw.length > MAX_CACHED_BODY || !MENTIONS_CACHED.test(raw)) return null;
      let viewer: Viewer | null;
      try {
        viewer = await authenticate();
      } catch {
        return null; // Apollo's path answers with the right error.
      }
      if (!viewer) return null;
      let version: string;
      try {
        version = await versions.current();
      } catch {
        return null; // MariaDB is down: Apollo's path reads the figures and answers with its error.
      }
      const key = createHash("sha256")
        .update(JSON.stringify([version, viewerKey(viewer), accept, raw]))
        .digest("base64url");
      const hit = cache.get(key);
      if (hit && hit.viewerId === viewer.userId) return { hit };
      pending.set(requestId, { key, userId: viewer.userId, cacheable: false, operation: null });
      return { viewer };
    },
    settle(requestId, answer) {
      const p = pending.get(requestId);
      pending.delete(requestId);
      if (p?.cacheable && answer) cache.set(p.key, { ...answer, operation: p.operation, viewerId: p.userId });
    },
    plugin: {
      async requestDidStart({ contextValue }) {
        const p = pending.get(contextValue.requestId);
        if (!p) return;
        return {
          async willSendResponse({ response, operation, operationName }) {
            if (response.body.kind !== "single") return;
            const { data, errors } = response.body.singleResult;
            p.cacheable = Boolean(data) && !errors && isCachedOperation(operation ?? undefined);
            p.operation = operationName ?? null;
          },
        };
      },
    },
  };
}
