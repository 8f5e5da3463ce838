import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import {
  ConfidenceColumn,
  CreatedAt,
  DateColumn,
  NoteColumn,
  RefColumn,
  SourcesColumn,
  UpdatedAt,
} from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Confidence, jsonListTransformer } from "../shared/provenance";
import { Decimal, LocalDate } from "../shared/scalars";
import { AssessmentStage } from "./criteria.enums";

/** A unit's assessment of one criterion for one year (đánh giá mức độ đạt tiêu chí). */
@ObjectType("Assessment", {
  implements: Node,
  description: "A unit's assessment of one criterion for one year.",
})
@Entity("assessment")
@Index("uq_assessment", ["unitId", "criterionId", "year"], { unique: true })
// Covers the progress roll-up's pass over a criteria set's assessments (src/rollup/rollup.sql.ts).
@Index("ix_assessment_criterion", ["criterionId", "year", "unitId", "met"])
export class Assessment {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Assessment", this.id);
  }

  @ForeignKey("Unit")
  @RefColumn("unit_id")
  unitId!: number;

  @ForeignKey("Criterion")
  @RefColumn("criterion_id")
  criterionId!: number;

  @Field(() => Int)
  @Column({ type: "smallint", unsigned: true })
  year!: number;

  @Field({ description: "Met (đạt) or not (không đạt)." })
  @Column({ type: "boolean" })
  met!: boolean;

  @Field(() => AssessmentStage)
  @Column({ type: "varchar", length: 24, default: AssessmentStage.SELF })
  stage!: AssessmentStage;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("assessed_on")
  assessedOn!: string | null;

  @ForeignKey("Organization")
  @RefColumn("assessed_by_org_id", true)
  assessedByOrgId!: number | null;

  @Field(() => String, { nullable: true })
  @NoteColumn()
  note!: string | null;

  @Field(() => [String])
  @SourcesColumn()
  sources!: string[];

  @Field(() => Confidence)
  @ConfidenceColumn()
  confidence!: Confidence;

  @Field(() => [String], {
    description: "Evidence the commune gives: notes, document references or links (minh chứng).",
  })
  @Column({ name: "evidence", type: "text", nullable: true, transformer: jsonListTransformer })
  evidence!: string[];

  @Field(() => String, {
    nullable: true,
    description: "Why the district or the province returned it (trả lại); cleared when it is recorded again.",
  })
  @Column({ name: "returned_reason", type: "text", nullable: true })
  returnedReason!: string | null;

  /** The organization that took the last review step (check, appraisal or return). */
  @ForeignKey("Organization")
  @RefColumn("reviewed_by_org_id", true)
  reviewedByOrgId!: number | null;

  @Field(() => LocalDate, { nullable: true, description: "Date of the last review step." })
  @DateColumn("reviewed_on")
  reviewedOn!: string | null;

  @Field(() => Int, { description: "Send it back with every change (optimistic concurrency)." })
  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

/** The value an assessment records for one indicator. */
@ObjectType("IndicatorValue", { description: "An assessment's value for one indicator." })
@Entity("assessment_indicator")
@Index("uq_assessment_indicator", ["assessmentId", "indicatorId"], { unique: true })
// The roll-up sums the verdicts per indicator from this index alone (migration IndicatorValueIndex).
@Index("ix_indicator_value_met", ["assessmentId", "indicatorId", "met"])
export class IndicatorValue {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("Assessment", { onDelete: "CASCADE" })
  @RefColumn("assessment_id")
  assessmentId!: number;

  @ForeignKey("Indicator")
  @RefColumn("indicator_id")
  indicatorId!: number;

  @Field(() => Boolean, { nullable: true })
  @Column({ type: "boolean", nullable: true })
  met!: boolean | null;

  @Field(() => Decimal, { nullable: true, description: "Measured value, e.g. a percentage." })
  @Column({ type: "decimal", precision: 18, scale: 4, nullable: true })
  value!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "value_text", type: "varchar", length: 255, nullable: true })
  valueText!: string | null;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
