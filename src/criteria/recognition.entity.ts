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
import { Confidence } from "../shared/provenance";
import { LocalDate } from "../shared/scalars";
import { RecognitionLevel } from "./criteria.enums";

/**
 * A recognition decision (quyết định công nhận) as a dated event. Revocation (thu hồi) closes it
 * with its own decision; the row is never deleted.
 */
@ObjectType("Recognition", {
  implements: Node,
  description: "A recognition decision (quyết định công nhận) for a unit.",
})
@Entity("recognition")
@Index("ix_recognition_unit", ["unitId", "level"])
@Index("ix_recognition_level_year", ["level", "standardYear"])
export class Recognition {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Recognition", this.id);
  }

  @ForeignKey("Unit")
  @RefColumn("unit_id")
  unitId!: number;

  @Field(() => RecognitionLevel)
  @Column({ type: "varchar", length: 24 })
  level!: RecognitionLevel;

  @Field(() => Int, { nullable: true, description: "The year the standard was met (đạt chuẩn năm ...)." })
  @Column({ name: "standard_year", type: "smallint", unsigned: true, nullable: true })
  standardYear!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Decision number; null when the sources do not give it.",
  })
  @Column({ name: "decision_no", type: "varchar", length: 64, nullable: true })
  decisionNo!: string | null;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("decided_on")
  decidedOn!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "decided_by", type: "varchar", length: 200, nullable: true })
  decidedBy!: string | null;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("revoked_on")
  revokedOn!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: "revocation_decision_no", type: "varchar", length: 64, nullable: true })
  revocationDecisionNo!: string | null;

  @Field(() => String, { nullable: true, description: "Why it was revoked (lý do thu hồi)." })
  @Column({ name: "revocation_reason", type: "text", nullable: true })
  revocationReason!: string | null;

  @Field({
    description:
      "True when it was recorded without appraised assessments showing every criterion met (an explicit override, explained in the note).",
  })
  @Column({ name: "criteria_override", type: "boolean", default: false })
  criteriaOverride!: boolean;

  /** The organization that recorded it through the API; null for seeded decisions. */
  @ForeignKey("Organization")
  @RefColumn("recorded_by_org_id", true)
  recordedByOrgId!: number | null;

  @Field(() => Int, { description: "Send it back with every change (optimistic concurrency)." })
  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @Field(() => String, { nullable: true })
  @NoteColumn()
  note!: string | null;

  @Field(() => [String])
  @SourcesColumn()
  sources!: string[];

  @Field(() => Confidence)
  @ConfidenceColumn()
  confidence!: Confidence;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
