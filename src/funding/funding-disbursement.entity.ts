import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, DateColumn, NoteColumn, RefColumn } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Decimal, LocalDate } from "../shared/scalars";
import { FundingSource } from "./funding.enums";

/**
 * Money actually paid out (giải ngân) for a plan from one source, optionally drawing on one
 * allocation and going to one unit. Amounts are exact VND; rows are appended, never edited.
 */
@ObjectType("FundingDisbursement", {
  implements: Node,
  description: "Money paid out from one source (giải ngân), against a plan and optionally an allocation.",
})
@Entity("funding_disbursement")
@Index("ix_disbursement_plan", ["planId", "disbursedOn", "id"])
@Index("ix_disbursement_unit", ["recipientUnitId"])
@Index("ix_disbursement_allocation", ["allocationId", "planId", "source"])
// The allocation drawn on is of the same plan and source (the key holds where allocation_id is set).
@ForeignKey("FundingAllocation", ["allocationId", "planId", "source"], ["id", "planId", "source"])
export class FundingDisbursement {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("FundingDisbursement", this.id);
  }

  @ForeignKey("Plan")
  @RefColumn("plan_id")
  planId!: number;

  /** The allocation it draws on; null when the source records none. */
  @RefColumn("allocation_id", true)
  allocationId!: number | null;

  @Field(() => FundingSource)
  @Column({ type: "varchar", length: 32 })
  source!: FundingSource;

  @ForeignKey("Unit")
  @RefColumn("recipient_unit_id", true)
  recipientUnitId!: number | null;

  @Field(() => Decimal, { description: "Amount paid out, VND (đồng), exact positive integer." })
  @Column({ name: "amount_vnd", type: "decimal", precision: 20, scale: 0 })
  amountVnd!: string;

  @Field(() => LocalDate, { description: "The calendar date it was paid out (Asia/Ho_Chi_Minh)." })
  @DateColumn("disbursed_on", false)
  disbursedOn!: string;

  @Field({ description: "The payment voucher or decision it was made under (chứng từ, quyết định)." })
  @Column({ type: "varchar", length: 255 })
  reference!: string;

  @Field(() => String, { nullable: true })
  @NoteColumn()
  note!: string | null;

  /** Who recorded it through the API; null for rows loaded otherwise. */
  @ForeignKey("User")
  @RefColumn("recorded_by_user_id", true)
  recordedByUserId!: number | null;

  @ForeignKey("Organization")
  @RefColumn("recorded_by_org_id", true)
  recordedByOrgId!: number | null;

  @Field({ description: "When it was recorded (UTC)." })
  @CreatedAt()
  createdAt!: Date;
}
