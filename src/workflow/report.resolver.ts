import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Plan } from "../plans/plan.entity";
import type { Context } from "../shared/context";
import { toGlobalId } from "../shared/ids";
import { byForeignKeyLoader, loadRequired } from "../shared/loaders";
import { Assignment } from "./assignment.entity";
import { reviewReport } from "./commands/review-report.command";
import { submitReport } from "./commands/submit-report.command";
import { Attachment, ProgressReport, ReportFigure, ReportingPeriod } from "./report.entity";
import { ReportPayload, ReviewReportInput, SubmitReportInput } from "./report.types";
import { visibleAssignmentById } from "./workflow.loaders";

/** Reports of assignments the viewer already reads, newest first: one statement per level. */
export const reportsByAssignment = byForeignKeyLoader(ProgressReport, "assignmentId", { id: "DESC" });
export const figuresByReport = byForeignKeyLoader(ReportFigure, "reportId", { id: "ASC" });
export const attachmentsByReport = byForeignKeyLoader(Attachment, "reportId", { id: "ASC" });
/** Reporting periods are part of the plan, which every signed-in user reads. */
export const periodsByPlan = byForeignKeyLoader(ReportingPeriod, "planId", { periodStart: "ASC", id: "ASC" });

@Authorized()
@Resolver()
export class ReportMutations {
  @Mutation(() => ReportPayload, {
    description:
      "Report progress on an assignment (the assignee), with figures and evidence uploaded to POST /attachments; final: true asks for approval.",
  })
  submitReport(
    @Arg("input", () => SubmitReportInput) input: SubmitReportInput,
    @Ctx() ctx: Context,
  ): Promise<ReportPayload> {
    return submitReport(ctx, input);
  }

  @Mutation(() => ReportPayload, {
    description: "Approve or return a submitted report (the assigner or the plan's coordinators).",
  })
  reviewReport(
    @Arg("input", () => ReviewReportInput) input: ReviewReportInput,
    @Ctx() ctx: Context,
  ): Promise<ReportPayload> {
    return reviewReport(ctx, input);
  }
}

@Authorized()
@Resolver(() => Assignment)
export class AssignmentReportsResolver {
  @FieldResolver(() => [ProgressReport], { description: "Progress reports, newest first." })
  reports(@Root() a: Assignment, @Ctx() ctx: Context): Promise<ProgressReport[]> {
    return ctx.loaders.get(reportsByAssignment).load(a.id);
  }
}

@Authorized()
@Resolver(() => ProgressReport)
export class ProgressReportResolver {
  @FieldResolver(() => [ReportFigure])
  figures(@Root() r: ProgressReport, @Ctx() ctx: Context): Promise<ReportFigure[]> {
    return ctx.loaders.get(figuresByReport).load(r.id);
  }

  @FieldResolver(() => [Attachment], { description: "Evidence files (minh chứng)." })
  attachments(@Root() r: ProgressReport, @Ctx() ctx: Context): Promise<Attachment[]> {
    return ctx.loaders.get(attachmentsByReport).load(r.id);
  }

  @FieldResolver(() => Assignment)
  assignment(@Root() r: ProgressReport, @Ctx() ctx: Context): Promise<Assignment> {
    return loadRequired(ctx, visibleAssignmentById, r.assignmentId, "Assignment");
  }
}

@Authorized()
@Resolver(() => Attachment)
export class AttachmentFieldsResolver {
  @FieldResolver(() => String, {
    description: "Where to GET the file (relative to the API's address), with the same Authorization header.",
  })
  downloadUrl(@Root() a: Attachment): string {
    return `/attachments/${toGlobalId("Attachment", a.id)}`;
  }
}

@Authorized()
@Resolver(() => Plan)
export class PlanReportingResolver {
  @FieldResolver(() => [ReportingPeriod], {
    description: "The plan's reporting periods (kỳ báo cáo), earliest first.",
  })
  reportingPeriods(@Root() plan: Plan, @Ctx() ctx: Context): Promise<ReportingPeriod[]> {
    return ctx.loaders.get(periodsByPlan).load(plan.id);
  }
}

/** Everything this file adds to the schema, for src/app/schema.ts. */
export const REPORT_RESOLVERS = [
  ReportMutations,
  AssignmentReportsResolver,
  ProgressReportResolver,
  AttachmentFieldsResolver,
  PlanReportingResolver,
] as const;
