import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { Decimal, LocalDate } from "../shared/scalars";
import { UserError } from "../shared/user-errors";
import { Assignment } from "./assignment.entity";
import { ProgressReport, ReportingPeriodKind } from "./report.entity";

export enum ReviewDecision {
  APPROVE = "approve",
  RETURN = "return",
}
registerEnumType(ReviewDecision, {
  name: "ReviewDecision",
  description:
    "APPROVE (duyệt) or RETURN (trả lại, with a comment). On the latest final report of an assignment awaiting approval, APPROVE also approves the assignment and RETURN sends it back for rework.",
});

@InputType({
  description: "A measured figure, e.g. { metric: 'villages_recognized', value: '3', measureUnit: 'thôn' }.",
})
export class ReportFigureInput {
  @Field({ description: "Lower-case letters, digits and _, starting with a letter; at most 48 characters." })
  metric!: string;

  @Field(() => Decimal, { description: "Zero or more; at most 14 integer and 4 fraction digits." })
  value!: string;

  @Field(() => String, { nullable: true, description: "Unit of measure, at most 32 characters." })
  measureUnit?: string | null;
}

@InputType({ description: "A progress report (báo cáo tiến độ) on an assignment, by the assignee." })
export class SubmitReportInput {
  @Field(() => ID)
  assignmentId!: string;

  @Field(() => Int, { description: "The assignment's version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field(() => ReportingPeriodKind)
  periodKind!: ReportingPeriodKind;

  @Field(() => LocalDate)
  periodStart!: string;

  @Field(() => LocalDate, { description: "Not before periodStart." })
  periodEnd!: string;

  @Field(() => Decimal, { description: "Percent done, 0–100, at most 2 decimals." })
  percent!: string;

  @Field({ description: "What was done, 1 to 10,000 characters." })
  narrative!: string;

  @Field(() => [ReportFigureInput], { nullable: true, description: "At most 50, each metric once." })
  figures?: ReportFigureInput[] | null;

  @Field(() => [ID], {
    nullable: true,
    description:
      "Evidence uploaded with POST /attachments by your organization and not yet part of a report; at most 20.",
  })
  attachmentIds?: string[] | null;

  @Field({
    defaultValue: false,
    description:
      "A final report asks the assigner to approve the work as done (the assignment becomes REPORTED).",
  })
  final!: boolean;
}

@InputType({ description: "The assigner's decision on a submitted report." })
export class ReviewReportInput {
  @Field(() => ID)
  reportId!: string;

  @Field(() => Int, { description: "The report's version you last read; a stale one is a CONFLICT." })
  version!: number;

  @Field(() => ReviewDecision)
  decision!: ReviewDecision;

  @Field(() => String, { nullable: true, description: "Required to RETURN; at most 2,000 characters." })
  comment?: string | null;
}

@ObjectType()
export class ReportPayload {
  @Field(() => ProgressReport, {
    nullable: true,
    description: "The report; null when userErrors is not empty.",
  })
  report!: ProgressReport | null;

  @Field(() => Assignment, {
    nullable: true,
    description: "The assignment after the change; null when userErrors is not empty.",
  })
  assignment!: Assignment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
