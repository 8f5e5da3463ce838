/**
 * The Apollo plugin that times GraphQL operations, counts the errors clients receive by code, and
 * notes what the request log line needs (operation name and type, viewer) for the HTTP layer.
 *
 * Label cardinality stays bounded: an operation is labelled by its name only once its document
 * has parsed and validated (Apollo's didResolveOperation); an unnamed one is "anonymous", one that
 * never validated is "invalid", and once `maxNames` distinct names have been seen, new ones are
 * "other" (a hostile client sending random names cannot grow the series without bound).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../shared/context";
import { graphqlErrors, graphqlOperationDuration } from "../shared/metrics";

export const MAX_OPERATION_NAMES = 200;
const NAME_RE = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const CODE_RE = /^[A-Z][A-Z0-9_]{0,39}$/;

/** Maps operation names to bounded label values. */
export class OperationLabels {
  private readonly known = new Set<string>();
  constructor(private readonly maxNames = MAX_OPERATION_NAMES) {}

  label(name: string | null | undefined): string {
    if (name === null || name === undefined || name === "") return "anonymous";
    if (!NAME_RE.test(name)) return "other";
    if (this.known.has(name)) return name;
    if (this.known.size >= this.maxNames) return "other";
    this.known.add(name);
    return name;
  }
}

/** What one request's log line needs from the GraphQL layer. */
export interface OperationNote {
  operation: string | null;
  type: string | null;
  viewerId: number | null;
}

/**
 * Per-request notes keyed by request ID, written by the plugin and read (and removed) by the HTTP
 * layer when the response is finished. The HTTP layer never lets two in-flight requests share an ID.
 */
export class RequestNotes {
  private readonly notes = new Map<string, OperationNote | null>();
  begin(requestId: string): void {
    this.notes.set(requestId, null);
  }
  inFlight(requestId: string): boolean {
    return this.notes.has(requestId);
  }
  note(requestId: string, note: OperationNote): void {
    if (this.notes.has(requestId)) this.notes.set(requestId, note);
  }
  end(requestId: string): OperationNote | null {
    const n = this.notes.get(requestId) ?? null;
    this.notes.delete(requestId);
    return n;
  }
}

export function errorCodeLabel(code: unknown): string {
  return typeof code === "string" && CODE_RE.test(code) ? code : "OTHER";
}

export function graphqlMetricsPlugin(opts: {
  labels?: OperationLabels;
  notes?: RequestNotes;
}): ApolloServerPlugin<Context> {
  const labels = opts.labels ?? new OperationLabels();
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let operation = "invalid";
      let type = "unknown";
      let name: string | null = null;
      return {
        async didResolveOperation(rc) {
          name = rc.operationName ?? null;
          operation = labels.label(name);
          type = rc.operation?.operation ?? "unknown";
        },
        async willSendResponse({ response, contextValue, errors }) {
          graphqlOperationDuration.observe(
            { operation, type },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
          const sent =
            response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : (errors ?? []);
          for (const e of sent) graphqlErrors.inc({ code: errorCodeLabel(e.extensions?.code) });
          opts.notes?.note(contextValue.requestId, {
            operation: name,
            type: type === "unknown" ? null : type,
            viewerId: contextValue.viewer?.userId ?? null,
          });
        },
      };
    },
  };
}
