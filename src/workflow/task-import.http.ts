import type { IncomingMessage, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { contentDisposition, httpViewer, sendHttpError, XLSX_TYPE } from "../auth/http-request";
import type { Config } from "../config/env";
import { coordinates } from "../plans/plan.policy";
import type { Clock } from "../shared/clock";
import {
  createContext,
  type ReminderScheduler,
  type RollupScheduler,
  type WebhookEnqueue,
} from "../shared/context";
import { DomainError } from "../shared/errors";
import { parseGlobalId } from "../shared/ids";
import type { Logger } from "../shared/logger";
import { looksLikeOldExcel, looksLikeZip, XlsxRefused } from "../shared/xlsx-guard";
import { importTasks } from "./commands/import-tasks.command";
import { buildTaskImportTemplate, loadTemplateLists } from "./task-import.template";
import { readTaskWorkbook, WorkbookRefused } from "./task-import.workbook";

/**
 * The task table over plain HTTP, beside /graphql:
 *
 * - `GET /task-import/template.xlsx[?planId=<plan global ID>]`: the template, with the plan's
 *   groups and the organizations and unit codes of its province (of the viewer's own territory
 *   without a plan). Any signed-in user.
 * - `POST /plans/<plan global ID>/task-import[?dryRun=1]`: the filled workbook as the raw body
 *   (Content-Type: the .xlsx type or application/octet-stream). The plan's coordinators and
 *   administrators only. Answers 201 `{ dryRun, imported, tasks, errors: [] }` (200 for a dry run),
 *   or 422 with every bad row in `errors: [{ row, column, code, message }]` and nothing written.
 *
 * Other refusals are JSON `{ errors: [{ message, extensions: { code } }] }`: 401 UNAUTHENTICATED,
 * 403 FORBIDDEN, 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED, 413 PAYLOAD_TOO_LARGE (file or its
 * uncompressed content), 415 UNSUPPORTED_MEDIA_TYPE (not an .xlsx), 400 BAD_REQUEST (empty body).
 */

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const TEMPLATE_PATH = "/task-import/template.xlsx";
export const IMPORT_PATH_RE = /^\/plans\/([A-Za-z0-9_-]{1,64})\/task-import$/;
const ACCEPTED_TYPES = [XLSX_TYPE, "application/octet-stream"];

export interface TaskImportHandlerDeps {
  config: Config;
  ds: DataSource;
  redis: Redis;
  logger: Logger;
  clock: Clock;
  /** The after-commit schedulers of one request (their jobs carry its request ID). */
  schedulers(requestId: string): {
    reminders: ReminderScheduler | null;
    webhooks?: WebhookEnqueue | null;
    rollups?: RollupScheduler | null;
  };
}

class BodyTooLarge extends Error {}
class ClientAborted extends Error {}

function readLimited(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        cleanup();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onAbort = () => {
      cleanup();
      reject(new ClientAborted());
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onClose);
    };
    const onClose = () => {
      if (!req.complete) onAbort();
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onClose);
  });
}

export function isTaskImportPath(pathname: string): boolean {
  return pathname === TEMPLATE_PATH || IMPORT_PATH_RE.test(pathname);
}

/** The request handler for the two routes. Never rejects: failures become responses. */
export function createTaskImportHandler(deps: TaskImportHandlerDeps) {
  const { config, ds, logger, clock } = deps;

  async function planOf(
    gid: string | null,
  ): Promise<{ id: number; number: string; title: string; path: string } | null> {
    const parsed = parseGlobalId(gid ?? "");
    if (!parsed || parsed.type !== "Plan") return null;
    const [row] = (await ds.query(
      "SELECT p.id, p.number, p.title, un.path FROM plan p JOIN admin_unit un ON un.id = p.scope_unit_id WHERE p.id = ?",
      [parsed.id],
    )) as Array<{ id: number; number: string; title: string; path: string }>;
    return row ? { ...row, id: Number(row.id) } : null;
  }

  async function template(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    const viewer = await httpViewer({ ds, config, clock }, req, res, requestId);
    if (!viewer) return;
    const planGid = url.searchParams.get("planId");
    const plan = planGid === null ? null : await planOf(planGid);
    if (planGid !== null && !plan)
      return sendHttpError(req, res, requestId, 404, "NOT_FOUND", "Plan not found");
    const lists = await loadTemplateLists(ds.manager, plan?.path ?? viewer.unitPath, plan);
    const body = await buildTaskImportTemplate(lists);
    const name = plan
      ? `Mau-nhap-nhiem-vu-${plan.number.replace(/[^A-Za-z0-9-]+/g, "-")}.xlsx`
      : "Mau-nhap-nhiem-vu.xlsx";
    res.writeHead(200, {
      "content-type": XLSX_TYPE,
      "content-length": String(body.length),
      "content-disposition": contentDisposition(name),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      "x-request-id": requestId,
    });
    res.end(body);
  }

  async function upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    const viewer = await httpViewer({ ds, config, clock }, req, res, requestId);
    if (!viewer) return;
    const plan = await planOf(IMPORT_PATH_RE.exec(url.pathname)?.[1] ?? null);
    if (!plan) return sendHttpError(req, res, requestId, 404, "NOT_FOUND", "Plan not found");
    // Before reading a byte of the body.
    if (!coordinates(viewer, plan.path))
      return sendHttpError(
        req,
        res,
        requestId,
        403,
        "FORBIDDEN",
        "Only the plan's coordinators may import its tasks",
      );
    const dryRunParam = url.searchParams.get("dryRun");
    const dryRun = dryRunParam !== null && ["1", "true", "yes"].includes(dryRunParam.toLowerCase());
    const tooLarge = () =>
      sendHttpError(
        req,
        res,
        requestId,
        413,
        "PAYLOAD_TOO_LARGE",
        `The file is larger than ${MAX_IMPORT_BYTES} bytes`,
      );
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > MAX_IMPORT_BYTES) return tooLarge();
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (!ACCEPTED_TYPES.includes(type)) {
      return sendHttpError(
        req,
        res,
        requestId,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        `Send the workbook as ${XLSX_TYPE}`,
      );
    }
    let body: Buffer;
    try {
      body = await readLimited(req, MAX_IMPORT_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) return tooLarge();
      if (err instanceof ClientAborted) {
        res.destroy();
        return;
      }
      throw err;
    }
    if (body.length === 0) return sendHttpError(req, res, requestId, 400, "BAD_REQUEST", "The file is empty");
    if (looksLikeOldExcel(body))
      return sendHttpError(
        req,
        res,
        requestId,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Old .xls workbooks are not accepted: save it as .xlsx",
      );
    if (!looksLikeZip(body))
      return sendHttpError(
        req,
        res,
        requestId,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "The file is not an .xlsx workbook",
      );

    const unprocessable = (
      errors: Array<{ row: number | null; column: string | null; code: string; message: string }>,
    ) => {
      res.writeHead(422, { "content-type": "application/json; charset=utf-8", "x-request-id": requestId });
      res.end(JSON.stringify({ dryRun, imported: 0, tasks: [], errors }));
    };
    let read: Awaited<ReturnType<typeof readTaskWorkbook>>;
    try {
      read = await readTaskWorkbook(body);
    } catch (err) {
      if (err instanceof XlsxRefused) {
        if (err.code === "WORKBOOK_TOO_LARGE")
          return sendHttpError(req, res, requestId, 413, "PAYLOAD_TOO_LARGE", err.message);
        return sendHttpError(req, res, requestId, 415, "UNSUPPORTED_MEDIA_TYPE", err.message);
      }
      if (err instanceof WorkbookRefused)
        return unprocessable(
          err.details.length
            ? err.details
            : [{ row: null, column: null, code: err.code, message: err.message }],
        );
      throw err;
    }

    const ctx = createContext({
      ds,
      redis: deps.redis,
      config,
      clock,
      timeZone: config.timeZone,
      requestId,
      viewer,
      authorization: null,
      ...deps.schedulers(requestId),
      ip: req.socket.remoteAddress ?? null,
    });
    let result;
    try {
      result = await importTasks(ctx, plan.id, read, { dryRun });
    } catch (err) {
      if (err instanceof DomainError && (err.code === "FORBIDDEN" || err.code === "NOT_FOUND"))
        return sendHttpError(
          req,
          res,
          requestId,
          err.code === "FORBIDDEN" ? 403 : 404,
          err.code,
          err.message,
        );
      throw err;
    }
    if (result.errors.length) return unprocessable(result.errors);
    res.writeHead(dryRun ? 200 : 201, {
      "content-type": "application/json; charset=utf-8",
      "x-request-id": requestId,
    });
    res.end(JSON.stringify(result));
  }

  return async function handleTaskImport(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    try {
      if (url.pathname === TEMPLATE_PATH) {
        if (req.method !== "GET")
          return sendHttpError(req, res, requestId, 405, "METHOD_NOT_ALLOWED", "Use GET", { allow: "GET" });
        return await template(req, res, url, requestId);
      }
      if (req.method !== "POST")
        return sendHttpError(req, res, requestId, 405, "METHOD_NOT_ALLOWED", "Use POST to import", {
          allow: "POST",
        });
      return await upload(req, res, url, requestId);
    } catch (err) {
      logger.error({ err, requestId }, "task import request failed");
      sendHttpError(req, res, requestId, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
  };
}
