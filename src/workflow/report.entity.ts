import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, DateColumn, RefColumn, UpdatedAt } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Decimal, LocalDate } from "../shared/scalars";

export enum ReportingPeriodKind {
  MONTHLY = "monthly",
  QUARTERLY = "quarterly",
  SIX_MONTHLY = "six_monthly",
  YEARLY = "yearly",
  AD_HOC = "ad_hoc",
}
registerEnumType(ReportingPeriodKind, { name: "ReportingPeriodKind" });

export enum ReportStatus {
  SUBMITTED = "submitted",
  APPROVED = "approved",
  RETURNED = "returned",
}
registerEnumType(ReportStatus, { name: "ReportStatus" });

/** A reporting period of a plan, with the date its reports are due (kỳ báo cáo). Configurable per plan. */
@ObjectType("ReportingPeriod", {
  implements: Node,
  description: "A reporting period of a plan (kỳ báo cáo).",
})
@Entity("reporting_period")
@Index("uq_reporting_period", ["planId", "kind", "periodStart"], { unique: true })
export class ReportingPeriod {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("ReportingPeriod", this.id);
  }

  @ForeignKey("Plan", { onDelete: "CASCADE" })
  @RefColumn("plan_id")
  planId!: number;

  @Field(() => ReportingPeriodKind)
  @Column({ type: "varchar", length: 16 })
  kind!: ReportingPeriodKind;

  @Field(() => LocalDate)
  @DateColumn("period_start", false)
  periodStart!: string;

  @Field(() => LocalDate)
  @DateColumn("period_end", false)
  periodEnd!: string;

  @Field(() => LocalDate, { description: "Reports for the period are due on this date." })
  @DateColumn("due_date", false)
  dueDate!: string;

  @CreatedAt()
  createdAt!: Date;
}

/** A progress report on an assignment for a period (báo cáo tiến độ). */
@ObjectType("ProgressReport", { implements: Node, description: "A progress report on an assignment." })
@Entity("progress_report")
@Index("ix_progress_report_assignment", ["assignmentId", "id"])
export class ProgressReport {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("ProgressReport", this.id);
  }

  @ForeignKey("Assignment", { onDelete: "CASCADE" })
  @RefColumn("assignment_id")
  assignmentId!: number;

  @ForeignKey("ReportingPeriod")
  @RefColumn("period_id", true)
  periodId!: number | null;

  @Field(() => ReportingPeriodKind)
  @Column({ name: "period_kind", type: "varchar", length: 16 })
  periodKind!: ReportingPeriodKind;

  @Field(() => LocalDate)
  @DateColumn("period_start", false)
  periodStart!: string;

  @Field(() => LocalDate)
  @DateColumn("period_end", false)
  periodEnd!: string;

  @Field(() => Decimal, { description: "Percent done, 0–100." })
  @Column({ type: "decimal", precision: 5, scale: 2 })
  percent!: string;

  @Field({ description: "What was done, in the assignee's words." })
  @Column({ type: "text" })
  narrative!: string;

  @Field({ description: "A final report asks the assigner to approve the assignment as done." })
  @Column({ name: "is_final", type: "boolean", default: false })
  isFinal!: boolean;

  @Field(() => ReportStatus)
  @Column({ type: "varchar", length: 16, default: ReportStatus.SUBMITTED })
  status!: ReportStatus;

  @Field(() => String, { nullable: true, description: "The assigner's comment when approving or returning." })
  @Column({ name: "review_comment", type: "text", nullable: true })
  reviewComment!: string | null;

  @ForeignKey("User")
  @RefColumn("submitted_by_user_id", true)
  submittedByUserId!: number | null;

  @ForeignKey("User")
  @RefColumn("reviewed_by_user_id", true)
  reviewedByUserId!: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "reviewed_at", type: "datetime", precision: 3, nullable: true })
  reviewedAt!: Date | null;

  @Field(() => Int)
  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @Field(() => Date, { name: "submittedAt" })
  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/** A measured figure in a report, e.g. villages_recognized = 3. */
@ObjectType("ReportFigure", { description: "A measured figure in a report." })
@Entity("report_figure")
@Index("uq_report_figure", ["reportId", "metric"], { unique: true })
export class ReportFigure {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("ProgressReport", { onDelete: "CASCADE" })
  @RefColumn("report_id")
  reportId!: number;

  @Field({ description: "What is measured, e.g. 'villages_recognized'." })
  @Column({ type: "varchar", length: 48 })
  metric!: string;

  @Field(() => Decimal)
  @Column({ type: "decimal", precision: 18, scale: 4 })
  value!: string;

  @Field(() => String, { nullable: true, description: "Unit of measure, e.g. 'thôn'." })
  @Column({ name: "measure_unit", type: "varchar", length: 32, nullable: true })
  measureUnit!: string | null;
}

/** An uploaded evidence file (minh chứng). Stored outside the database; its SHA-256 is kept. */
@ObjectType("Attachment", {
  implements: Node,
  description: "An evidence file (minh chứng) attached to a report.",
})
@Entity("attachment")
@Index("ix_attachment_report", ["reportId"])
export class Attachment {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Attachment", this.id);
  }

  /** Null until a report claims it. */
  @ForeignKey("ProgressReport", { onDelete: "SET NULL" })
  @RefColumn("report_id", true)
  reportId!: number | null;

  @Field()
  @Column({ name: "file_name", type: "varchar", length: 255 })
  fileName!: string;

  @Field()
  @Column({ name: "content_type", type: "varchar", length: 100 })
  contentType!: string;

  @Field(() => Int)
  @Column({ name: "size_bytes", type: "int", unsigned: true })
  sizeBytes!: number;

  @Field({ description: "SHA-256 of the content, hex." })
  @Column({ type: "char", length: 64, charset: "ascii", collation: "ascii_bin" })
  sha256!: string;

  /** Where the storage backend keeps it (a path relative to the attachments directory). */
  @Column({ name: "storage_key", type: "varchar", length: 255 })
  storageKey!: string;

  @ForeignKey("User")
  @RefColumn("uploaded_by_user_id")
  uploadedByUserId!: number;

  @ForeignKey("Organization")
  @RefColumn("uploaded_by_org_id")
  uploadedByOrgId!: number;

  @Field(() => Date, { name: "uploadedAt" })
  @CreatedAt()
  createdAt!: Date;
}
