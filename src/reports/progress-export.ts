import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataSource } from "typeorm";
import { contentDisposition, httpViewer, sendHttpError, XLSX_TYPE } from "../auth/http-request";
import type { Config } from "../config/env";
import { coordinates } from "../plans/plan.policy";
import { type Clock, localDate } from "../shared/clock";
import { MAX_DATE, MIN_DATE } from "../shared/dates";
import { NotFoundError } from "../shared/errors";
import { parseGlobalId } from "../shared/ids";
import type { Logger } from "../shared/logger";
import type { ProgressReport } from "./progress-report.types";
import { buildProgressWorkbook } from "./progress-workbook";

/** Loads the plan's rolled-up progress as of a calendar date (today when omitted). */
export type LoadProgressReport = (ds: DataSource, planId: number, asOf?: string) => Promise<ProgressReport>;

export interface ProgressExportDeps {
  ds: DataSource;
  config: Config;
  logger: Logger;
  clock: Clock;
  loadReport: LoadProgressReport;
}

export const PROGRESS_EXPORT_PATH_RE = /^\/plans\/([A-Za-z0-9_-]{1,64})\/progress\.xlsx$/;
const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar date "YYYY-MM-DD" in the supported range, or null. */
function calendarDate(s: string): string | null {
  if (!DATE_RE.test(s) || s < MIN_DATE || s > MAX_DATE) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return d.toISOString().slice(0, 10) === s ? s : null;
}

/**
 * `GET /plans/<plan global ID>/progress.xlsx[?asOf=YYYY-MM-DD]`: the plan's progress workbook
 * (src/reports/progress-workbook.ts), for the plan's coordinators and administrators. asOf is a
 * calendar date in Asia/Ho_Chi_Minh, today by default, and not in the future.
 * Refusals are JSON errors: 401 UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND, 400 BAD_REQUEST,
 * 405 METHOD_NOT_ALLOWED.
 */
export function createProgressExportHandler(deps: ProgressExportDeps) {
  const { ds, config, logger, clock, loadReport } = deps;
  return async function handleProgressExport(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
  ): Promise<void> {
    try {
      if (req.method !== "GET" && req.method !== "HEAD")
        return sendHttpError(req, res, requestId, 405, "METHOD_NOT_ALLOWED", "Use GET", { allow: "GET" });
      const viewer = await httpViewer({ ds, config, clock }, req, res, requestId);
      if (!viewer) return;
      const notFound = () => sendHttpError(req, res, requestId, 404, "NOT_FOUND", "Plan not found");
      const parsed = parseGlobalId(PROGRESS_EXPORT_PATH_RE.exec(url.pathname)?.[1] ?? "");
      if (!parsed || parsed.type !== "Plan") return notFound();
      const [plan] = (await ds.query(
        "SELECT p.id, p.number, un.path FROM plan p JOIN admin_unit un ON un.id = p.scope_unit_id WHERE p.id = ?",
        [parsed.id],
      )) as Array<{ id: number; number: string; path: string }>;
      if (!plan) return notFound();
      if (!coordinates(viewer, plan.path)) {
        return sendHttpError(
          req,
          res,
          requestId,
          403,
          "FORBIDDEN",
          "Only the plan's coordinators may export its progress",
        );
      }
      const today = localDate(clock.now(), config.timeZone);
      const asked = url.searchParams.get("asOf");
      let asOf = today;
      if (asked !== null) {
        const d = calendarDate(asked);
        if (d === null || d > today) {
          return sendHttpError(
            req,
            res,
            requestId,
            400,
            "BAD_REQUEST",
            `asOf must be a calendar date YYYY-MM-DD, not after today (${today})`,
          );
        }
        asOf = d;
      }
      const report = await loadReport(ds, Number(plan.id), asOf);
      const body = await buildProgressWorkbook(report);
      const fileName = `Tien-do-${plan.number.replace(/[^A-Za-z0-9-]+/g, "-")}-${asOf}.xlsx`;
      res.writeHead(200, {
        "content-type": XLSX_TYPE,
        "content-length": String(body.length),
        "content-disposition": contentDisposition(fileName),
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
        "x-request-id": requestId,
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (err) {
      if (err instanceof NotFoundError)
        return sendHttpError(req, res, requestId, 404, "NOT_FOUND", "No progress figures for that date");
      logger.error({ err, requestId }, "progress export failed");
      sendHttpError(req, res, requestId, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
  };
}
