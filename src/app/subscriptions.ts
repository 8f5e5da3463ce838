/**
 * GraphQL subscriptions over WebSocket (graphql-ws protocol) on the API's own HTTP server, at
 * /graphql. Queries and mutations stay on HTTP POST; only subscription operations are served here.
 *
 * - Authentication in connection_init: `connectionParams.authorization: "Bearer <access token>"`,
 *   checked by the same code as HTTP (auth/authenticate.ts). Missing or refused: close 4401. The
 *   socket is closed (4401) when the token expires; sign in again and reconnect.
 * - Operations get the same parser limits, graphql-armor validation rules and error masking as HTTP.
 * - Limits: LIVE_LIMITS connections per user (in this process; close 4403 beyond), subscriptions
 *   per connection, message size.
 */
import { randomUUID } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type http from "node:http";
import type { Duplex } from "node:stream";
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { CloseCode, type ConnectionInitMessage } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { Redis } from "ioredis";
import { decodeJwt } from "jose";
import type { DataSource } from "typeorm";
import { WebSocketServer, type WebSocket } from "ws";
import { AuthenticationError, authenticate } from "../auth/authenticate";
import type { Config } from "../config/env";
import type { Clock } from "../shared/clock";
import { type Context, createContext } from "../shared/context";
import { ErrorCode } from "../shared/errors";
import type { LiveNotificationHub } from "../shared/live";
import type { Logger } from "../shared/logger";
import type { Viewer } from "../shared/viewer";
import type { Armor } from "./armor";

export const LIVE_LIMITS = {
  /** Open, authenticated sockets per user in one API process; a portal needs one per browser tab. */
  connectionsPerUser: 5,
  /** Active subscriptions on one socket; the two notification streams need two. */
  subscriptionsPerConnection: 10,
  /** Largest WebSocket message accepted (the HTTP body limit is 1 MiB; a subscription is small). */
  maxPayloadBytes: 64 * 1024,
  /** Time a client has to send connection_init after connecting. */
  connectionInitWaitMs: 5000,
} as const;

/** Close codes a client may see (graphql-ws's, plus its protocol's own). */
export const LiveCloseCode = {
  /** No token, a malformed or refused one, an ended session, a disabled account; or it expired. */
  UNAUTHENTICATED: CloseCode.Unauthorized,
  /** Too many connections of this user. */
  TOO_MANY_CONNECTIONS: CloseCode.Forbidden,
} as const;

/** Apollo plugin: a subscription sent by HTTP is a 400 BAD_REQUEST pointing at WebSocket. */
export function refuseSubscriptionsOverHttp(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription")
            throw new GraphQLError("Subscriptions are served over WebSocket (graphql-ws) at /graphql", {
              extensions: { code: "BAD_REQUEST", http: { status: 400 } },
            });
        },
      };
    },
  };
}

export interface SubscriptionServerDeps {
  httpServer: http.Server;
  schema: GraphQLSchema;
  armor: Armor;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  config: Config;
  ds: DataSource;
  redis: Redis;
  clock: Clock;
  logger: Logger;
  live: LiveNotificationHub;
  /** The path that upgrades (default /graphql). */
  path?: string;
}

export interface SubscriptionServer {
  /** Open sockets. */
  connections(): number;
  /** Refuses new sockets, closes the open ones (1001) and waits for them. Safe to call twice. */
  close(): Promise<void>;
}

interface ConnectionState {
  viewer?: Viewer;
  authorization?: string;
  expiryTimer?: NodeJS.Timeout;
}

/** Longest delay setTimeout takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long shutdown waits for clients to answer the close before cutting them off. */
const CLOSE_GRACE_MS = 1000;

function codedError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

export function attachSubscriptionServer(deps: SubscriptionServerDeps): SubscriptionServer {
  const { config, ds, clock, logger, live, armor } = deps;
  const path = deps.path ?? "/graphql";
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIVE_LIMITS.maxPayloadBytes });
  const states = new WeakMap<object, ConnectionState>();
  const perUser = new Map<number, number>();
  let closing: Promise<void> | null = null;

  const stateOf = (ctx: { extra: unknown }): ConnectionState => {
    let s = states.get(ctx.extra as object);
    if (!s) states.set(ctx.extra as object, (s = {}));
    return s;
  };

  /** Masks errors exactly as HTTP does; errors graphql-js raised before execution get their code. */
  const format = (errors: readonly GraphQLError[], fallbackCode: string): GraphQLFormattedError[] =>
    errors.map((err) => {
      const coded =
        err.extensions?.code === undefined && err.originalError === undefined
          ? new GraphQLError(err.message, {
              nodes: err.nodes,
              source: err.source,
              positions: err.positions,
              path: err.path,
              extensions: { ...err.extensions, code: fallbackCode },
            })
          : err;
      return deps.formatError(coded.toJSON(), coded);
    });

  const closeUnauthenticated = (socket: WebSocket, reason: string) =>
    socket.close(LiveCloseCode.UNAUTHENTICATED, reason.slice(0, 120));

  useServer<ConnectionInitMessage["payload"], Record<PropertyKey, never>>(
    {
      schema: deps.schema,
      // Internal error texts never reach a close reason in production (config, not process.env).
      isProd: config.nodeEnv === "production",
      connectionInitWaitTimeout: LIVE_LIMITS.connectionInitWaitMs,
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        if (typeof raw !== "string" || raw === "") {
          closeUnauthenticated(socket, "Send connectionParams.authorization: 'Bearer <access token>'");
          return false;
        }
        let viewer: Viewer | null;
        try {
          viewer = await authenticate(ds, config, raw, clock.now());
        } catch (err) {
          if (!(err instanceof AuthenticationError)) {
            logger.error({ err }, "live: authentication failed unexpectedly");
            socket.close(CloseCode.InternalServerError, "Internal server error");
            return false;
          }
          closeUnauthenticated(socket, err.message);
          return false;
        }
        if (!viewer) {
          closeUnauthenticated(socket, "Send connectionParams.authorization: 'Bearer <access token>'");
          return false;
        }
        if (socket.readyState !== socket.OPEN) return false;
        const open = perUser.get(viewer.userId) ?? 0;
        if (open >= LIVE_LIMITS.connectionsPerUser) {
          socket.close(
            LiveCloseCode.TOO_MANY_CONNECTIONS,
            `Too many live connections (at most ${LIVE_LIMITS.connectionsPerUser} per user)`,
          );
          return false;
        }
        perUser.set(viewer.userId, open + 1);
        const state = stateOf(ctx);
        state.viewer = viewer;
        state.authorization = raw;
        // The token verified, so its exp is trustworthy: the socket ends when the token does.
        const exp = decodeJwt(raw.slice("Bearer ".length)).exp;
        if (typeof exp === "number") {
          const left = Math.min(MAX_TIMER_MS, Math.max(0, exp * 1000 - clock.now().getTime()));
          state.expiryTimer = setTimeout(
            () => closeUnauthenticated(socket, "The access token expired"),
            left,
          );
        }
        return true;
      },
      onClose(ctx) {
        const state = states.get(ctx.extra);
        if (!state) return;
        clearTimeout(state.expiryTimer);
        if (state.viewer) {
          const left = (perUser.get(state.viewer.userId) ?? 1) - 1;
          if (left > 0) perUser.set(state.viewer.userId, left);
          else perUser.delete(state.viewer.userId);
        }
        states.delete(ctx.extra);
      },
      onSubscribe(ctx, id, payload): ExecutionArgs | readonly GraphQLError[] {
        const state = stateOf(ctx);
        if (!state.viewer) return [codedError("Not authenticated", ErrorCode.UNAUTHENTICATED)];
        const active = Object.keys(ctx.subscriptions).filter((k) => k !== id).length;
        if (active >= LIVE_LIMITS.subscriptionsPerConnection)
          return [
            codedError(
              `Too many subscriptions on this connection (at most ${LIVE_LIMITS.subscriptionsPerConnection})`,
              "BAD_REQUEST",
            ),
          ];
        if (typeof payload.query !== "string")
          return [codedError("The query must be a string", "BAD_REQUEST")];
        let document: DocumentNode;
        try {
          document = parse(payload.query, armor.parseOptions);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        const invalid = validate(deps.schema, document, [...specifiedRules, ...armor.validationRules]);
        if (invalid.length > 0) return invalid;
        const operation = getOperationAST(document, payload.operationName ?? undefined);
        if (!operation)
          return [codedError("Unable to identify the operation to run", "OPERATION_RESOLUTION_FAILURE")];
        if (operation.operation !== "subscription")
          return [
            codedError(
              "Only subscriptions are served over WebSocket; send queries and mutations by HTTP POST to /graphql",
              "BAD_REQUEST",
            ),
          ];
        const request = ctx.extra.request;
        const contextValue: Context = createContext({
          ds,
          redis: deps.redis,
          config,
          clock,
          timeZone: config.timeZone,
          requestId: randomUUID(),
          viewer: state.viewer,
          authorization: state.authorization ?? null,
          ip: request.socket.remoteAddress ?? null,
          reminders: null,
          webhooks: null,
          live,
        });
        return {
          schema: deps.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onError(_ctx, _id, _payload, errors) {
        // Parse errors carry no code of their own; everything else here is about the request.
        return errors.map((e) => {
          const fallback = e.message.startsWith("Syntax Error")
            ? "GRAPHQL_PARSE_FAILED"
            : e.originalError === undefined && e.extensions?.code === undefined
              ? "GRAPHQL_VALIDATION_FAILED"
              : "INTERNAL_SERVER_ERROR";
          return format([e], fallback)[0];
        });
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) return undefined;
        // Errors without an original error are graphql-js's (variables that do not coerce).
        return { ...result, errors: format(result.errors, ErrorCode.BAD_USER_INPUT) };
      },
    },
    wss,
  );

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname !== path || closing) {
      socket.end(
        `HTTP/1.1 ${closing ? "503 Service Unavailable" : "404 Not Found"}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  deps.httpServer.on("upgrade", onUpgrade);

  return {
    connections: () => wss.clients.size,
    close() {
      closing ??= (async () => {
        deps.httpServer.off("upgrade", onUpgrade);
        const gone = new Promise<void>((resolve) => wss.close(() => resolve()));
        for (const client of wss.clients) client.close(1001, "Server shutting down");
        const grace = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, CLOSE_GRACE_MS);
        await gone;
        clearTimeout(grace);
      })();
      return closing;
    },
  };
}
