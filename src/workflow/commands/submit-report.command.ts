import { In } from "typeorm";
import { recordAudit } from "../../audit/audit";
import { withTransaction } from "../../db/transaction";
import { type Context, requireViewer } from "../../shared/context";
import { MAX_DATE, MIN_DATE } from "../../shared/dates";
import { parseGlobalId } from "../../shared/ids";
import { type UserError, userError, conflictError } from "../../shared/user-errors";
import { AssignmentAction, AssignmentStatus, REPORTABLE_STATUSES } from "../assignment.states";
import {
  currentVersion,
  emitTaskEvent,
  loadAssignmentForWrite,
  taskEventOf,
  writeStatusChange,
} from "../assignment.store";
import { Attachment, ProgressReport, ReportFigure } from "../report.entity";
import type { ReportPayload, SubmitReportInput } from "../report.types";
import { actsAsAssignee } from "../workflow.policy";

const MAX_NARRATIVE = 10_000;
const MAX_FIGURES = 50;
const MAX_ATTACHMENTS = 20;
const MAX_MEASURE_UNIT = 32;
const METRIC_RE = /^[a-z][a-z0-9_]{0,47}$/;
/** decimal(5,2), 0–100. */
const PERCENT_RE = /^(0|[1-9][0-9]{0,2})(\.[0-9]{1,2})?$/;
/** decimal(18,4), not negative. */
const FIGURE_RE = /^(0|[1-9][0-9]{0,13})(\.[0-9]{1,4})?$/;

const fail = (errors: UserError[]): ReportPayload => ({ report: null, assignment: null, userErrors: errors });

const conflict = (version: number) => conflictError("assignment", version, ["input", "version"]);

/** Thrown inside the transaction so it rolls back (the assignment's version bump included). */
class AttachmentsTaken extends Error {}

interface CheckedInput {
  assignmentId: number;
  percent: string;
  narrative: string;
  figures: Array<{ metric: string; value: string; measureUnit: string | null }>;
  attachmentIds: number[];
}

/** Checks what needs no database; every problem is reported at once. */
function checkInput(input: SubmitReportInput): { value: CheckedInput } | { errors: UserError[] } {
  const errors: UserError[] = [];
  const bad = (message: string, ...field: string[]) =>
    errors.push(userError("BAD_USER_INPUT", message, ["input", ...field]));

  const parsed = parseGlobalId(input.assignmentId);
  if (!parsed || parsed.type !== "Assignment")
    bad("assignmentId is not a valid Assignment ID", "assignmentId");
  if (!PERCENT_RE.test(input.percent) || Number(input.percent) > 100)
    bad("percent must be from 0 to 100, with at most 2 decimals", "percent");
  const narrative = input.narrative.normalize("NFC").trim();
  if (narrative.length === 0 || [...narrative].length > MAX_NARRATIVE)
    bad(`narrative must be 1 to ${MAX_NARRATIVE} characters`, "narrative");
  for (const f of ["periodStart", "periodEnd"] as const) {
    if (input[f] < MIN_DATE || input[f] > MAX_DATE)
      bad(`${f} must be between ${MIN_DATE} and ${MAX_DATE}`, f);
  }
  if (input.periodStart > input.periodEnd) bad("periodStart must not be after periodEnd", "periodStart");

  const figures: CheckedInput["figures"] = [];
  const inputFigures = input.figures ?? [];
  if (inputFigures.length > MAX_FIGURES) bad(`Give at most ${MAX_FIGURES} figures`, "figures");
  const metrics = new Set<string>();
  inputFigures.slice(0, MAX_FIGURES).forEach((f, i) => {
    const at = (field: string) => ["figures", String(i), field];
    if (!METRIC_RE.test(f.metric))
      bad(
        "metric must be lower-case letters, digits and _, starting with a letter, at most 48",
        ...at("metric"),
      );
    else if (metrics.has(f.metric)) bad(`metric ${f.metric} is given twice`, ...at("metric"));
    metrics.add(f.metric);
    if (!FIGURE_RE.test(f.value))
      bad("value must be zero or more, with at most 14 integer and 4 fraction digits", ...at("value"));
    const unit = f.measureUnit?.normalize("NFC").trim() || null;
    if (unit !== null && [...unit].length > MAX_MEASURE_UNIT)
      bad(`measureUnit must be at most ${MAX_MEASURE_UNIT} characters`, ...at("measureUnit"));
    figures.push({ metric: f.metric, value: f.value, measureUnit: unit });
  });

  const attachmentIds: number[] = [];
  const given = input.attachmentIds ?? [];
  if (given.length > MAX_ATTACHMENTS) bad(`Give at most ${MAX_ATTACHMENTS} attachments`, "attachmentIds");
  given.slice(0, MAX_ATTACHMENTS).forEach((gid, i) => {
    const p = parseGlobalId(gid);
    if (!p || p.type !== "Attachment") bad("Not a valid Attachment ID", "attachmentIds", String(i));
    else if (!attachmentIds.includes(p.id)) attachmentIds.push(p.id);
  });

  if (errors.length || !parsed) return { errors };
  return {
    value: {
      assignmentId: parsed.id,
      percent: Number(input.percent).toFixed(2),
      narrative,
      figures,
      attachmentIds,
    },
  };
}

/**
 * The assignee reports progress on an assignment (báo cáo tiến độ), with figures and evidence
 * uploaded beforehand. A final report asks for approval: the assignment becomes REPORTED. In one
 * transaction guarded by the assignment's version: the report and its figures, the evidence
 * claimed, the assignment's (and, for the lead, the task's) progress, rolled up the task tree,
 * the event and the audit. Every refusal is a userError and writes nothing.
 */
export async function submitReport(ctx: Context, input: SubmitReportInput): Promise<ReportPayload> {
  const viewer = requireViewer(ctx);
  const checked = checkInput(input);
  if ("errors" in checked) return fail(checked.errors);
  const v = checked.value;

  const loaded = await loadAssignmentForWrite(ctx, v.assignmentId);
  if (!loaded) return fail([userError("NOT_FOUND", "Assignment not found", ["input", "assignmentId"])]);
  const { assignment: a } = loaded;
  if (!actsAsAssignee(viewer, loaded.facts)) {
    return fail([
      userError("FORBIDDEN", "Only the assigned organization may report on this assignment", [
        "input",
        "assignmentId",
      ]),
    ]);
  }
  // A stale version is a CONFLICT whatever else has moved since (the UPDATE below re-checks it).
  if (input.version !== a.version) return fail([conflict(a.version)]);
  if (!REPORTABLE_STATUSES.includes(a.status)) {
    return fail([
      userError(
        "ILLEGAL_TRANSITION",
        `Cannot report on an assignment that is ${a.status}; reports are taken while it is ${REPORTABLE_STATUSES.join(", ")}`,
        ["input", "assignmentId"],
      ),
    ]);
  }

  // Evidence: uploaded by the viewer's organization and in no report yet. Someone else's looks missing.
  const rows = v.attachmentIds.length
    ? await ctx.ds.getRepository(Attachment).findBy({ id: In(v.attachmentIds) })
    : [];
  const errors: UserError[] = [];
  (input.attachmentIds ?? []).forEach((gid, i) => {
    const id = parseGlobalId(gid)?.id;
    const row = rows.find((r) => r.id === id);
    const at = ["input", "attachmentIds", String(i)];
    if (!row || row.uploadedByOrgId !== viewer.orgId)
      errors.push(userError("NOT_FOUND", "Attachment not found", at));
    else if (row.reportId !== null)
      errors.push(userError("BAD_USER_INPUT", "The attachment is already part of a report", at));
  });
  if (errors.length) return fail(errors);

  // The plan's reporting period, when the report matches one exactly.
  const [period] = await ctx.ds.query(
    `SELECT rp.id FROM reporting_period rp JOIN task t ON t.plan_id = rp.plan_id
      WHERE t.id = ? AND rp.kind = ? AND rp.period_start = ? AND rp.period_end = ? LIMIT 1`,
    [a.taskId, input.periodKind, input.periodStart, input.periodEnd],
  );

  const final = input.final === true;
  const to = final
    ? AssignmentStatus.REPORTED
    : a.status === AssignmentStatus.ACCEPTED || a.status === AssignmentStatus.REWORK
      ? AssignmentStatus.IN_PROGRESS
      : a.status;
  try {
    return await withTransaction(ctx.ds, async (uow) => {
      const m = uow.manager;
      const after = await writeStatusChange(
        ctx,
        m,
        a,
        input.version,
        { to, action: final ? AssignmentAction.REPORT_FINAL : "report", comment: null, progress: v.percent },
        loaded.orgUnitPath,
      );
      if (!after) return fail([conflict(await currentVersion(m, a.id))]);
      const ins = await m.getRepository(ProgressReport).insert({
        assignmentId: a.id,
        periodId: period ? Number(period.id) : null,
        periodKind: input.periodKind,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        percent: v.percent,
        narrative: v.narrative,
        isFinal: final,
        submittedByUserId: viewer.userId,
      });
      const reportId = Number(ins.identifiers[0].id);
      if (v.figures.length)
        await m.getRepository(ReportFigure).insert(v.figures.map((f) => ({ ...f, reportId })));
      if (v.attachmentIds.length) {
        // Claimed only if still free: a concurrent report cannot take the same file.
        const claimed = await m
          .createQueryBuilder()
          .update(Attachment)
          .set({ reportId })
          .where("id IN (:...ids) AND report_id IS NULL AND uploaded_by_org_id = :org", {
            ids: v.attachmentIds,
            org: viewer.orgId,
          })
          .execute();
        if (claimed.affected !== v.attachmentIds.length) throw new AttachmentsTaken();
      }
      const report = await m.getRepository(ProgressReport).findOneByOrFail({ id: reportId });
      await recordAudit(
        m,
        { viewer, requestId: ctx.requestId, ip: ctx.ip },
        {
          action: final ? "report.submit_final" : "report.submit",
          objectType: "ProgressReport",
          objectId: reportId,
          scopePath: loaded.orgUnitPath,
          after: { ...report, figures: v.figures, attachmentIds: v.attachmentIds },
        },
      );
      await emitTaskEvent(ctx, uow, taskEventOf(after.status), [a.id]); // a final report: "reported"
      return { report, assignment: after, userErrors: [] };
    });
  } catch (err) {
    if (err instanceof AttachmentsTaken) {
      return fail([
        userError("BAD_USER_INPUT", "An attachment was just added to another report", [
          "input",
          "attachmentIds",
        ]),
      ]);
    }
    throw err;
  }
}
