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
import { AmountQualifier, FundingSource } from "./funding.enums";

/** Money allocated to a plan (and optionally to one unit) from one source. Amounts are exact VND. */
@ObjectType("FundingAllocation", {
  implements: Node,
  description: "Money allocated from one source (phân bổ vốn).",
})
@Entity("funding_allocation")
@Index("ix_funding_plan", ["planId", "source"])
@Index("ix_funding_unit", ["recipientUnitId"])
@Index("uq_funding_id_plan_source", ["id", "planId", "source"], { unique: true })
export class FundingAllocation {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("FundingAllocation", this.id);
  }

  @ForeignKey("Plan")
  @RefColumn("plan_id", true)
  planId!: number | null;

  @Field(() => Int)
  @Column({ type: "smallint", unsigned: true })
  year!: number;

  @Field(() => FundingSource)
  @Column({ type: "varchar", length: 32 })
  source!: FundingSource;

  @ForeignKey("Unit")
  @RefColumn("recipient_unit_id", true)
  recipientUnitId!: number | null;

  @Field(() => Decimal, {
    nullable: true,
    description: "Amount in VND (đồng), exact integer; null when unknown.",
  })
  @Column({ name: "amount_vnd", type: "decimal", precision: 20, scale: 0, nullable: true })
  amountVnd!: string | null;

  @Field(() => AmountQualifier)
  @Column({ name: "amount_qualifier", type: "varchar", length: 16, default: AmountQualifier.EXACT })
  amountQualifier!: AmountQualifier;

  @Field(() => String, {
    nullable: true,
    description: "The amount as the source words it, e.g. 'hơn 11 tỷ đồng'.",
  })
  @Column({ name: "amount_text", type: "varchar", length: 100, nullable: true })
  amountText!: string | null;

  @Field({ description: "What the allocation is (decision and subject)." })
  @Column({ type: "text" })
  description!: string;

  @Field(() => String, { nullable: true })
  @Column({ name: "decision_ref", type: "varchar", length: 255, nullable: true })
  decisionRef!: string | null;

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
