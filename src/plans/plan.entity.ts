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

/** A plan document (kế hoạch), e.g. Kế hoạch 125/KH-UBND of 25/02/2022. */
@ObjectType("Plan", {
  implements: Node,
  description: "A plan document (kế hoạch) with targets, task groups and a roadmap.",
})
@Entity("plan")
@Index("uq_plan_number_issued_on", ["number", "issuedOn"], { unique: true })
@Index("ix_plan_year", ["year"])
export class Plan {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Plan", this.id);
  }

  @Field({ description: "Document number (số hiệu), e.g. '125/KH-UBND'." })
  @Column({ type: "varchar", length: 40 })
  number!: string;

  @Field()
  @Column({ type: "varchar", length: 500 })
  title!: string;

  @Field({ description: "Issuing authority as written on the document, e.g. 'UBND tỉnh Bắc Kạn'." })
  @Column({ type: "varchar", length: 200 })
  issuer!: string;

  @Field(() => LocalDate)
  @DateColumn("issued_on", false)
  issuedOn!: string;

  @Field(() => Int)
  @Column({ type: "smallint", unsigned: true })
  year!: number;

  @Field({ description: "National target program the plan implements." })
  @Column({ type: "varchar", length: 255 })
  program!: string;

  @Field(() => Int)
  @Column({ name: "period_start_year", type: "smallint", unsigned: true })
  periodStartYear!: number;

  @Field(() => Int)
  @Column({ name: "period_end_year", type: "smallint", unsigned: true })
  periodEndYear!: number;

  @ForeignKey("Unit")
  @RefColumn("scope_unit_id")
  scopeUnitId!: number;

  @ForeignKey("Organization")
  @RefColumn("issuer_org_id", true)
  issuerOrgId!: number | null;

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
