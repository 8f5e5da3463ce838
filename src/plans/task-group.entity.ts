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

/** A numbered group of tasks in a plan (nhóm nhiệm vụ). */
@ObjectType("TaskGroup", {
  implements: Node,
  description: "A numbered group of tasks in a plan (nhóm nhiệm vụ).",
})
@Entity("task_group")
@Index("uq_task_group_ord", ["planId", "ord"], { unique: true })
export class TaskGroup {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("TaskGroup", this.id);
  }

  @ForeignKey("Plan")
  @RefColumn("plan_id")
  planId!: number;

  @Field(() => Int, { description: "Position in the plan, from 1." })
  @Column({ type: "smallint", unsigned: true })
  ord!: number;

  @Field(() => String, {
    nullable: true,
    description: "Title as the plan gives it; null when the sources do not.",
  })
  @Column({ type: "varchar", length: 500, nullable: true })
  title!: string | null;

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
