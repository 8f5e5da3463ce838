/**
 * The dashboard's answer cache. Dashboards ask the same questions again and again (the national
 * view, a province drilled down to its communes) of figures that change only when a roll-up
 * commits. Executing such an operation is GraphQL work over thousands of fields: 5–11 ms of CPU per
 * request measured on the national benchmark's data, which 16 clients at once turn into a queue.
 *
 * An operation whose root fields are all roll-up reads (CACHED_FIELDS) is answered from memory
 * when the same viewer asked the same operation with the same variables since the last roll-up
 * commit:
 * - entries are keyed on the roll-up versions (progress_plan, bumped in every roll-up's own
 *   transaction), read with one small statement per request, so an answer stops being used the
 *   moment a roll-up commits;
 * - per viewer (user, organization, unit, roles): answers depend on the viewer's task scope;
 * - entries also expire after PROGRESS_CACHE_SECONDS, which bounds how long what the roll-up does
 *   not version (unit and organization names) or a lagging read replica can show;
 * - only answers without errors are kept; mutations and every other query run as usual.
 * The viewer is authenticated on every request before the cache is consulted (authentication
 * plugin, didResolveOperation).
 */
import { createHash } from "node:crypto";
import { type ApolloServerPlugin, type GraphQLResponse, HeaderMap } from "@apollo/server";
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

type Data = Record<string, unknown>;

/** A bounded map, least recently used first out, with an expiry per entry. */
export class AnswerCache {
  private readonly entries = new Map<string, { data: Data; expires: number }>();
  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(key: string): Data | null {
    const e = this.entries.get(key);
    if (!e) return null;
    this.entries.delete(key);
    if (e.expires <= this.now()) return null;
    this.entries.set(key, e);
    return e.data;
  }

  set(key: string, data: Data): void {
    this.entries.delete(key);
    this.entries.set(key, { data, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
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

export function progressCachePlugin(opts: {
  ds: DataSource;
  seconds: number;
  entries: number;
}): ApolloServerPlugin<Context> {
  const cache = new AnswerCache(opts.entries, opts.seconds * 1000);
  return {
    async requestDidStart() {
      if (opts.seconds === 0) return;
      let key: string | null = null;
      let hit = false;
      return {
        async responseForOperation({ operation, source, request, contextValue }) {
          const viewer = contextValue.viewer;
          if (!viewer || !isCachedOperation(operation)) return null;
          const version = await readFromReplica(opts.ds, (m) => progressVersion(m));
          key = createHash("sha256")
            .update(
              JSON.stringify([
                version,
                viewerKey(viewer),
                source,
                request.operationName ?? null,
                request.variables ?? {},
              ]),
            )
            .digest("base64url");
          const data = cache.get(key);
          if (!data) return null;
          hit = true;
          const response: GraphQLResponse = {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: "single", singleResult: { data } },
          };
          return response;
        },
        async willSendResponse({ response }) {
          if (key === null || hit || response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          if (data && !errors) cache.set(key, data);
        },
      };
    },
  };
}
