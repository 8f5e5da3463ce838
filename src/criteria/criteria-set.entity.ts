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
import { CriteriaSetKind } from "./criteria.enums";

/** A versioned set of criteria (bộ tiêu chí), e.g. the 19 commune criteria of QĐ 318/QĐ-TTg (2022). */
@ObjectType("CriteriaSet", { implements: Node, description: "A versioned set of criteria (bộ tiêu chí)." })
@Entity("criteria_set")
@Index("uq_criteria_set_code", ["code"], { unique: true })
export class CriteriaSet {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("CriteriaSet", this.id);
  }

  @Field({ description: "Stable key, e.g. 'COMMUNE_2021_2025'." })
  @Column({ type: "varchar", length: 48 })
  code!: string;

  @Field(() => CriteriaSetKind)
  @Column({ type: "varchar", length: 24 })
  kind!: CriteriaSetKind;

  @Field()
  @Column({ type: "varchar", length: 500 })
  name!: string;

  @Field({ description: "The decision that issues the set." })
  @Column({ type: "varchar", length: 500 })
  decision!: string;

  @Field(() => LocalDate, { nullable: true })
  @DateColumn("issued_on")
  issuedOn!: string | null;

  @Field(() => Int)
  @Column({ name: "period_start_year", type: "smallint", unsigned: true })
  periodStartYear!: number;

  @Field(() => Int, { nullable: true })
  @Column({ name: "period_end_year", type: "smallint", unsigned: true, nullable: true })
  periodEndYear!: number | null;

  @Field(() => Int, { description: "How many criteria the set has (19 for communes)." })
  @Column({ name: "criteria_count", type: "smallint", unsigned: true })
  criteriaCount!: number;

  /** Set this one replaced, for history. */
  @ForeignKey("CriteriaSet")
  @RefColumn("replaces_id", true)
  replacesId!: number | null;

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
