import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataSource } from "typeorm";
import type { Config } from "../config/env";
import type { Clock } from "../shared/clock";
import type { Viewer } from "../shared/viewer";
import { AuthenticationError, authenticate } from "./authenticate";

/**
 * Plain-HTTP routes beside /graphql (workbooks, files): one JSON error shape,
 * `{ errors: [{ message, extensions: { code } }] }`, with a stable code and nothing internal.
 */
export function sendHttpError(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A body still arriving is not read: the connection closes after the answer.
  const closing = !req.complete;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "x-request-id": requestId,
    ...(closing ? { connection: "close" } : {}),
    ...headers,
  });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  if (closing) {
    req.unpipe();
    req.pause();
    res.once("finish", () => {
      setTimeout(() => {
        if (!req.complete) req.socket.destroy();
      }, 200).unref();
    });
  }
}

/** The viewer of a bearer token; answers 401 (and returns null) when there is none or it is bad. */
export async function httpViewer(
  deps: { ds: DataSource; config: Config; clock: Clock },
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<Viewer | null> {
  const unauthenticated = (message: string) => {
    sendHttpError(req, res, requestId, 401, "UNAUTHENTICATED", message, { "www-authenticate": "Bearer" });
    return null;
  };
  try {
    const viewer = await authenticate(deps.ds, deps.config, req.headers.authorization, deps.clock.now());
    return viewer ?? unauthenticated(new AuthenticationError().message);
  } catch (err) {
    if (err instanceof AuthenticationError) return unauthenticated(err.message);
    throw err;
  }
}

/** RFC 5987 / 8187 encoding for `filename*=UTF-8''…`. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize("NFD")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
