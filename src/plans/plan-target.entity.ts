import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import {
  ConfidenceColumn,
  CreatedAt,
  NoteColumn,
  RefColumn,
  SourcesColumn,
  UpdatedAt,
} from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Confidence } from "../shared/provenance";
import { Decimal } from "../shared/scalars";
import { TargetKind } from "./plan.enums";

/**
 * A measurable target of a plan. `metric` names what the roll-up counts (kept as data, so next
 * year's plan can add targets without code changes); per-unit quotas live in PlanTargetQuota.
 */
@ObjectType("PlanTarget", { implements: Node, description: "A target (chỉ tiêu) of a plan." })
@Entity("plan_target")
@Index("uq_plan_target_code", ["planId", "code"], { unique: true })
export class PlanTarget {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("PlanTarget", this.id);
  }

  @ForeignKey("Plan")
  @RefColumn("plan_id")
  planId!: number;

  @Field({ description: "Stable key within the plan, e.g. 'NEW_NTM_COMMUNES'." })
  @Column({ type: "varchar", length: 48 })
  code!: string;

  @Field(() => Int)
  @Column({ type: "smallint", unsigned: true })
  ord!: number;

  @Field({ description: "The target as the plan words it (Vietnamese)." })
  @Column({ type: "varchar", length: 500 })
  title!: string;

  @Field({
    description:
      "What is measured, e.g. communes_ntm, communes_advanced_ntm, avg_criteria_xa, communes_gaining_criterion, villages_ntm, district_criteria_met, district_completion.",
  })
  @Column({ type: "varchar", length: 48 })
  metric!: string;

  @Field(() => TargetKind)
  @Column({ name: "target_kind", type: "varchar", length: 16 })
  targetKind!: TargetKind;

  @ForeignKey("Unit")
  @RefColumn("scope_unit_id")
  scopeUnitId!: number;

  @Field(() => Decimal, {
    nullable: true,
    description: "Value at the start of the plan year; null when unknown.",
  })
  @Column({ type: "decimal", precision: 14, scale: 2, nullable: true })
  baseline!: string | null;

  @Field(() => Decimal, { nullable: true })
  @Column({ name: "target_value", type: "decimal", precision: 14, scale: 2, nullable: true })
  targetValue!: string | null;

  @Field({ description: "Unit of measure in Vietnamese, e.g. 'xã', 'thôn', 'tiêu chí'." })
  @Column({ name: "measure_unit", type: "varchar", length: 32 })
  measureUnit!: string;

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

/** A target's share for one unit (the 60 NTM villages split per district). */
@ObjectType("TargetQuota", { description: "A unit's share of a plan target." })
@Entity("plan_target_quota")
@Index("uq_plan_target_quota", ["targetId", "unitId"], { unique: true })
export class TargetQuota {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("PlanTarget")
  @RefColumn("target_id")
  targetId!: number;

  @ForeignKey("Unit")
  @RefColumn("unit_id")
  unitId!: number;

  @Field(() => Decimal, { nullable: true, description: "The quota; null when the sources do not give it." })
  @Column({ type: "decimal", precision: 14, scale: 2, nullable: true })
  quota!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "What the sources say when it is not a plain number, e.g. '>=1'.",
  })
  @Column({ name: "quota_text", type: "varchar", length: 64, nullable: true })
  quotaText!: string | null;

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
