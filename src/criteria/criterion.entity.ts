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

/** One criterion (tiêu chí) of a set, numbered as the decision numbers it. */
@ObjectType("Criterion", { implements: Node, description: "A criterion (tiêu chí) of a criteria set." })
@Entity("criterion")
@Index("uq_criterion_no", ["setId", "no"], { unique: true })
export class Criterion {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Criterion", this.id);
  }

  @ForeignKey("CriteriaSet")
  @RefColumn("set_id")
  setId!: number;

  @Field(() => Int, { description: "Number in the set, from 1." })
  @Column({ type: "smallint", unsigned: true })
  no!: number;

  @Field()
  @Column({ type: "varchar", length: 500 })
  name!: string;

  @Field(() => String, { nullable: true, description: "Group heading, e.g. 'II. Hạ tầng kinh tế - xã hội'." })
  @Column({ name: "group_name", type: "varchar", length: 200, nullable: true })
  groupName!: string | null;

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

/** An indicator (chỉ tiêu) inside a criterion, e.g. 2.1. */
@ObjectType("Indicator", { implements: Node, description: "An indicator (chỉ tiêu) inside a criterion." })
@Entity("indicator")
@Index("uq_indicator_code", ["criterionId", "code"], { unique: true })
export class Indicator {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Indicator", this.id);
  }

  @ForeignKey("Criterion")
  @RefColumn("criterion_id")
  criterionId!: number;

  @Field({ description: "Code as numbered in the decision, e.g. '2.1'." })
  @Column({ type: "varchar", length: 16 })
  code!: string;

  @Field(() => Int)
  @Column({ type: "smallint", unsigned: true })
  ord!: number;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field(() => Confidence)
  @ConfidenceColumn()
  confidence!: Confidence;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}
