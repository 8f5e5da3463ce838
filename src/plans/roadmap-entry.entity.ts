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
import { RoadmapLevel, RoadmapOutcome } from "./plan.enums";

/**
 * One unit aiming for a level in a plan's year (lộ trình). The unit may be unknown (the sources
 * name 7 of the 9 communes for 2022): then unitId is null and the district, if known, is kept.
 * A missed entry is carried over: the next plan's entry points back to it.
 */
@ObjectType("RoadmapEntry", {
  implements: Node,
  description: "A unit on a plan's roadmap (lộ trình) for a level.",
})
@Entity("roadmap_entry")
@Index("ix_roadmap_entry_plan", ["planId", "level"])
@Index("ix_roadmap_entry_unit", ["unitId"])
@Index("uq_roadmap_entry_carry", ["planId", "carriedOverFromId"], { unique: true })
export class RoadmapEntry {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("RoadmapEntry", this.id);
  }

  @ForeignKey("Plan")
  @RefColumn("plan_id")
  planId!: number;

  @ForeignKey("Unit")
  @RefColumn("unit_id", true)
  unitId!: number | null;

  @ForeignKey("Unit")
  @RefColumn("district_unit_id", true)
  districtUnitId!: number | null;

  @Field(() => RoadmapLevel)
  @Column({ type: "varchar", length: 24 })
  level!: RoadmapLevel;

  @Field(() => Int)
  @Column({ type: "smallint", unsigned: true })
  year!: number;

  @Field(() => RoadmapOutcome)
  @Column({ type: "varchar", length: 16, default: RoadmapOutcome.PENDING })
  outcome!: RoadmapOutcome;

  @ForeignKey("RoadmapEntry")
  @RefColumn("carried_over_from_id", true)
  carriedOverFromId!: number | null;

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
