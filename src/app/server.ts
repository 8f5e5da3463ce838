import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { DocumentNode } from "graphql";
import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { authenticate } from "../auth/authenticate";
import type { Config } from "../config/env";
import { type Clock, systemClock } from "../shared/clock";
import { type Context, createContext, Loaders, type ReminderScheduler } from "../shared/context";
import { createRollupQueue, createRollupScheduler, type RollupQueue } from "../rollup/rollup-queue";
import {
  createReminderQueue,
  enqueueWebhookDeliveries,
  type ReminderQueue,
  scheduleAssignmentReminders,
} from "../reminders/reminder-queue";
import type { Logger } from "../shared/logger";
import { type AttachmentStore, DiskAttachmentStore } from "../workflow/attachment-storage";
import { createAttachmentHandler } from "../workflow/attachment-upload";
import { createTaskImportHandler, isTaskImportPath } from "../workflow/task-import.http";
import { createProgressExportHandler, PROGRESS_EXPORT_PATH_RE } from "../reports/progress-export";
import { loadProgressReport } from "../rollup/progress-report";

import { enableProcessMetrics, graphqlOperationDuration, watchQueueDepth } from "../shared/metrics";
import { createAdminHandler } from "./admin";
import { createArmor } from "./armor";
import { type CachedAnswer, createProgressAnswers } from "./progress-cache";
import { graphqlMetricsPlugin, OperationLabels, RequestNotes } from "./graphql-metrics";
import { createDrainer } from "./http-shutdown";
import { createMetricsHandler } from "./metrics";
import { createReadyHandler, databaseCheck, migrationsCheck, redisClientCheck } from "./ready";
import { observeRequests } from "./request-log";
import { createErrorFormatter } from "./errors";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "../db/unavailable";
import { getSchema } from "./schema";
import { enableUnitDirectory } from "../units/unit.directory";
import type { ViewerCache } from "../auth/viewer-cache";
import type { Viewer } from "../shared/viewer";
import { createServerCaches, type ServerCaches } from "./caches";
import { createLiveHub } from "../notifications/live";
import { attachSubscriptionServer, refuseSubscriptionsOverHttp } from "./subscriptions";

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerDeps {
  config: Config;
  ds: DataSource;
  redis: Redis;
  logger: Logger;
  clock?: Clock;
  /** Where evidence files go; files under config.attachments.dir by default. */
  attachmentStore?: AttachmentStore;
}

export interface AppServer {
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** The queue the workflow schedules reminders on (after commit). */
  reminderQueue: ReminderQueue;
  /** The queue progress roll-ups go on (after commit). */
  rollupQueue: RollupQueue;
  /** What this process keeps in memory, and the notices that drop it here and elsewhere (app/caches.ts). */
  caches: ServerCaches;
  /** Starts listening; resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Stops accepting connections, drains the in-flight requests (at most `timeoutMs`, default
   * SHUTDOWN_TIMEOUT_MS), then closes Apollo and the queue. Safe to call twice.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}

class HttpError extends Error {
  constructor(
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/**
 * Ends a response with a finished body, encoded to UTF-8 once and sent with its length rather than
 * chunked framing (one buffer less to write); ending with the string would measure it
 * (Buffer.byteLength) and then encode it again.
 */
function sendBody(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body: string,
): void {
  const bytes = Buffer.from(body, "utf8");
  headers["content-length"] = bytes.length;
  res.writeHead(status, headers);
  res.end(bytes);
}

function requestError(res: ServerResponse, status: number, message: string, requestId: string): void {
  sendJson(
    res,
    status,
    { errors: [{ message, extensions: { code: "BAD_REQUEST" } }] },
    { "x-request-id": requestId },
  );
}

/**
 * Authenticates once the operation has been parsed and validated, so an operation the limits
 * reject never touches the database; an invalid token is a 401 with UNAUTHENTICATED.
 */
function authenticationPlugin(
  ds: DataSource,
  config: Config,
  clock: Clock,
  viewers: ViewerCache | null,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          // Apollo hands each operation a shallow copy of the context: bind the loaders to it.
          contextValue.loaders = new Loaders(() => contextValue);
          // The dashboard answer cache may have authenticated the request already (same function).
          if (contextValue.viewer) return;
          try {
            contextValue.viewer = await authenticate(
              ds,
              config,
              contextValue.authorization ?? undefined,
              clock.now(),
              viewers,
            );
          } catch (err) {
            // Apollo re-wraps what a plugin throws and loses its cause: name the outage here.
            if (isDatabaseUnavailable(err)) throw new DatabaseUnavailableError();
            throw err;
          }
        },
      };
    },
  };
}

/** Apollo's parsed-document cache, in bytes of the documents' JSON (see createServer). */
export const DOCUMENT_CACHE_BYTES = 2 * 2 ** 20;

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The API: Apollo Server on node:http, with /graphql, /health, /attachments (evidence files) and
 * the task table import (/task-import/template.xlsx, /plans/<id>/task-import).
 * Used by index.ts and by tests.
 */
export async function createServer(deps: ServerDeps): Promise<AppServer> {
  const { config, ds, redis, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const production = config.nodeEnv === "production";

  const armor = createArmor({ production });
  // The workflow re-derives an assignment's reminders after each committed change; if Redis
  // refuses, the scheduled reconciler catches up, so a request never fails for it.
  const reminderQueue = createReminderQueue(config, "producer");
  // Jobs carry the request ID (rid) of the request that enqueued them, for the worker's logs.
  const remindersFor = (rid: string): ReminderScheduler => ({
    schedule: (ids) => Promise.all(ids.map((id) => scheduleAssignmentReminders(reminderQueue, id, { rid }))),
  });
  // Webhook deliveries ride the same queue (job deliver-webhook); a refused enqueue leaves the
  // row pending and retryWebhookDelivery can send it later.
  const webhooksFor =
    (rid: string) =>
    (ids: readonly number[], opts: { retry?: number } = {}) =>
      enqueueWebhookDeliveries(reminderQueue, ids, { ...config.webhooks, ...opts, rid });
  // Observability (README "Deploy, observe and scale"): metrics, the request log, /ready, /admin.
  enableProcessMetrics();
  const notes = new RequestNotes();
  // Live notifications: Redis pub/sub shared by every process, graphql-ws on this server (below).
  const live = createLiveHub({ redisUrl: config.redisUrl, prefix: config.redisPrefix, redis, logger });
  // Progress roll-ups of the units a change touched; a refused enqueue is caught up by the nightly rebuild.
  const rollupQueue = createRollupQueue(config, "producer");
  const rollups = createRollupScheduler(rollupQueue);
  const unwatchQueues = [reminderQueue, rollupQueue].map((q) =>
    watchQueueDepth(q.name, () => q.getJobCounts()),
  );
  // What this process keeps in memory (checked sessions, the units) and the Redis channel on which
  // the API processes tell each other to drop it (app/caches.ts, README "Caches").
  enableUnitDirectory(ds, { recheckSeconds: config.caches.unitSeconds, maxRows: config.caches.unitMaxRows });
  const caches = createServerCaches({ config, ds, redis, logger });
  if (!(await caches.ready(3000)))
    logger.warn("caches: not subscribed to Redis yet; every request reads MariaDB until it is");
  // Dashboard reads answered from memory until the next roll-up commits (app/progress-cache.ts).
  const answers = createProgressAnswers({ ds, ...config.progressCache });
  const operationLabels = new OperationLabels();
  const apollo = new ApolloServer<Context>({
    schema: await getSchema(),
    // Compact JSON: Apollo's default indents every response (2 spaces), which made a 100-unit page
    // about twice the bytes to build and send.
    stringifyResult: (result) => JSON.stringify(result),
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, { hideSuggestions: production }),
    // Operation limits run in validation and parsing, before any resolver (so before any SQL).
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    allowBatchedHttpRequests: false,
    // Parsed and validated documents, kept for the next request with the same text. Apollo's
    // default cache holds 30 MiB as measured by JSON length, which is about 120 MB of heap (a
    // parsed document weighs ~4x its JSON): enough distinct or hostile documents would fill the
    // API's capped heap with it. 2 MiB still keeps ~500 list-sized documents (README, "Memory").
    documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: DOCUMENT_CACHE_BYTES }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints in this API: Apollo's default cache-control plugin only wraps every field
      // resolver (measured: about 10% of a 100-item list's CPU). No Apollo Studio either (offline).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...armor.plugins,
      refuseSubscriptionsOverHttp(),
      authenticationPlugin(ds, config, clock, caches.viewers),
      // Tells the dashboard answer cache which answers it may keep (answers are served below).
      ...(answers ? [answers.plugin] : []),
      graphqlMetricsPlugin({ notes, labels: operationLabels }),
    ],
  });
  await apollo.start();
  const handleAttachments = createAttachmentHandler({
    config,
    ds,
    redis,
    logger,
    clock,
    store: deps.attachmentStore ?? new DiskAttachmentStore(config.attachments.dir),
  });
  // The plan's progress as an Excel workbook, read from the rolled-up tables.
  const handleProgressExport = createProgressExportHandler({
    ds,
    config,
    logger,
    clock,
    loadReport: loadProgressReport,
  });
  const handleTaskImport = createTaskImportHandler({
    config,
    ds,
    redis,
    logger,
    clock,
    schedulers: (rid) => ({ reminders: remindersFor(rid), webhooks: webhooksFor(rid), rollups }),
  });

  /** Writes an answer of the dashboard cache: what Apollo answered to the same request. */
  const sendCachedAnswer = (res: ServerResponse, requestId: string, hit: CachedAnswer, started: bigint) => {
    const outHeaders: Record<string, string | number> = { "x-request-id": requestId };
    for (const [k, v] of hit.headers) outHeaders[k] = v;
    sendBody(res, 200, outHeaders, hit.body);
    notes.note(requestId, { operation: hit.operation, type: "query", viewerId: hit.viewerId });
    graphqlOperationDuration.observe(
      { operation: operationLabels.label(hit.operation), type: "query" },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  };

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string) => {
    const started = process.hrtime.bigint();
    let body: unknown = undefined;
    let json: string | null = null;
    if (req.method === "POST") {
      const raw = await readBody(req);
      const type = req.headers["content-type"] ?? "";
      if (type.includes("application/json") || type.includes("application/graphql-response+json")) {
        try {
          body = raw.length > 0 ? JSON.parse(raw) : undefined;
        } catch {
          throw new HttpError(400, "Request body is not valid JSON");
        }
        json = raw;
      } else {
        body = raw;
      }
    }
    const authorization = req.headers.authorization ?? null;
    let viewer: Viewer | null = null;
    let settle = false;
    if (answers && json !== null) {
      const found = await answers.lookup(requestId, json, req.headers.accept ?? "", () =>
        authenticate(ds, config, authorization ?? undefined, clock.now(), caches.viewers),
      );
      if (found && "hit" in found) {
        sendCachedAnswer(res, requestId, found.hit, started);
        return;
      }
      if (found) {
        viewer = found.viewer;
        settle = true;
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      headers,
      search: url.search,
      body,
    };
    const ip = req.socket.remoteAddress ?? null;
    let result: Awaited<ReturnType<typeof apollo.executeHTTPGraphQLRequest>>;
    try {
      result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () =>
          createContext({
            ds,
            redis,
            config,
            clock,
            timeZone: config.timeZone,
            requestId,
            viewer,
            authorization,
            ip,
            reminders: remindersFor(requestId),
            webhooks: webhooksFor(requestId),
            live,
            rollups,
            caches,
          }),
      });
    } catch (err) {
      if (settle) answers?.settle(requestId, null);
      throw err;
    }
    const outHeaders: Record<string, string | number> = { "x-request-id": requestId };
    for (const [k, v] of result.headers) outHeaders[k] = v;
    if (result.body.kind === "complete") {
      if (settle)
        answers?.settle(
          requestId,
          (result.status ?? 200) === 200 ? { body: result.body.string, headers: [...result.headers] } : null,
        );
      sendBody(res, result.status ?? 200, outHeaders, result.body.string);
    } else {
      if (settle) answers?.settle(requestId, null);
      res.writeHead(result.status ?? 200, outHeaders);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  let stopping: Promise<void> | null = null;
  const handleReady = createReadyHandler([databaseCheck(ds), redisClientCheck(redis), migrationsCheck(ds)], {
    logger,
    stopping: () => stopping !== null,
  });
  const handleMetrics = createMetricsHandler(config.ops);
  const handleAdmin = createAdminHandler({ config, ds, clock, logger, queues: [reminderQueue, rollupQueue] });
  const opsRoute = (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | null => {
    if (url.pathname === "/ready") return handleReady(req, res);
    if (url.pathname === "/metrics") return handleMetrics(req, res);
    if (url.pathname === "/admin" || url.pathname.startsWith("/admin/")) return handleAdmin(req, res, url);
    return null;
  };

  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/health") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    const ops = opsRoute(req, res, url);
    if (ops) {
      ops.catch((err: unknown) => {
        logger.error({ err, requestId }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: "Internal server error" });
        else res.end();
      });
      return;
    }
    if (url.pathname === "/attachments" || url.pathname.startsWith("/attachments/")) {
      void handleAttachments(req, res, url, requestId);
      return;
    }
    if (isTaskImportPath(url.pathname)) {
      void handleTaskImport(req, res, url, requestId);
      return;
    }
    if (PROGRESS_EXPORT_PATH_RE.test(url.pathname)) {
      void handleProgressExport(req, res, url, requestId);
      return;
    }
    if (url.pathname !== "/graphql") {
      sendJson(res, 404, { error: "Not found. GraphQL answers at /graphql." });
      return;
    }
    handleGraphQL(req, res, url, requestId).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) requestError(res, err.status, err.message, requestId);
        return;
      }

      logger.error({ err, requestId }, "request failed");
      if (!res.headersSent) {
        sendJson(res, 500, {
          errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
        });
      } else {
        res.end();
      }
    });
  };
  const httpServer = http.createServer(
    observeRequests({ logger, notes, draining: () => stopping !== null }, handleRequest),
  );
  httpServer.keepAliveTimeout = 5000;
  const drainer = createDrainer(httpServer);
  const subscriptions = attachSubscriptionServer({
    httpServer,
    armor,
    config,
    ds,
    redis,
    clock,
    logger,
    live,
    schema: await getSchema(),
    formatError: createErrorFormatter(logger, { hideSuggestions: production }),
  });

  return {
    httpServer,
    apollo,
    reminderQueue,
    rollupQueue,
    caches,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      });
    },
    stop(opts = {}) {
      stopping ??= (async () => {
        await subscriptions.close();
        await live.close();
        await caches.close();
        const drained = await drainer.drain(opts.timeoutMs ?? config.ops.shutdownTimeoutMs);
        if (!drained) logger.warn("shutdown: in-flight requests cut after the drain timeout");
        unwatchQueues.forEach((unwatch) => unwatch());
        await apollo.stop();
        await reminderQueue.close();
        await rollupQueue.close();
      })();
      return stopping;
    },
  };
}
