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
import { UnitLevel, UnitType } from "./unit.enums";

/**
 * An administrative unit: province, district level, commune level or village. The tree is kept
 * as a materialised path of ids ("/1/9/120/") so "is X in Y's subtree" is one prefix check.
 * Units are never deleted: a merge or a change of type closes the old row (validTo) and links
 * its successor, so history stays readable.
 */
/*
 * Fields are plain properties read by graphql-js directly (`simpleResolvers`: units are the most
 * listed objects); `id` is the `globalId` getter under another name, so it keeps a resolver.
 */
@ObjectType("Unit", {
  implements: Node,
  description: "An administrative unit (đơn vị hành chính).",
  simpleResolvers: true,
})
@Entity("admin_unit")
@Index("uq_admin_unit_code_valid_from", ["code", "validFrom"], { unique: true })
@Index("ix_admin_unit_path", ["path"])
@Index("ix_admin_unit_parent", ["parentId", "name"])
@Index("ix_admin_unit_name_folded", ["nameFolded"])
export class Unit {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID.", simple: false })
  get globalId(): string {
    return toGlobalId("Unit", this.id);
  }

  @Field(() => String, {
    nullable: true,
    description: "Official code (mã đơn vị hành chính); villages often have none.",
  })
  @Column({ type: "varchar", length: 16, nullable: true })
  code!: string | null;

  @Field({ description: "Name without the type word, e.g. 'Bắc Kạn'." })
  @Column({ type: "varchar", length: 160 })
  name!: string;

  @Field({ description: "Name with the type word, e.g. 'Thành phố Bắc Kạn'." })
  @Column({ name: "full_name", type: "varchar", length: 200 })
  fullName!: string;

  /** lower case, no diacritics: the key for accent-insensitive search. */
  @Column({ name: "name_folded", type: "varchar", length: 200 })
  nameFolded!: string;

  /** lower case with diacritics, binary collation: the key for accent-sensitive search. */
  @Column({ name: "name_lower", type: "varchar", length: 200, collation: "utf8mb4_bin" })
  nameLower!: string;

  @Field(() => UnitLevel)
  @Column({ type: "varchar", length: 16 })
  level!: UnitLevel;

  @Field(() => UnitType)
  @Column({ type: "varchar", length: 16 })
  type!: UnitType;

  @ForeignKey("Unit")
  @RefColumn("parent_id", true)
  parentId!: number | null;

  /** Materialised path of ids, root first, with a trailing slash: "/1/9/120/". */
  @Column({ type: "varchar", length: 255, collation: "ascii_bin", charset: "ascii" })
  path!: string;

  @Field(() => Int, { description: "0 for a province, 1 district, 2 commune, 3 village." })
  @Column({ type: "tinyint", unsigned: true })
  depth!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "Area classification 2021–2025 for ethnic-minority and mountainous areas (khu vực I, II, III).",
  })
  @Column({ name: "area_class", type: "varchar", length: 4, nullable: true })
  areaClass!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Specially difficult commune (xã đặc biệt khó khăn); null when the sources do not say.",
  })
  @Column({ name: "specially_difficult", type: "boolean", nullable: true })
  speciallyDifficult!: boolean | null;

  @Field(() => LocalDate, { nullable: true, description: "First day the unit existed in this form." })
  @DateColumn("valid_from")
  validFrom!: string | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: "Last day the unit existed in this form; null while current.",
  })
  @DateColumn("valid_to")
  validTo!: string | null;

  @ForeignKey("Unit")
  @RefColumn("successor_id", true)
  successorId!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "What the unit became when the successor is outside this database, e.g. after the 2025 reorganisation.",
  })
  @Column({ name: "successor_note", type: "varchar", length: 255, nullable: true })
  successorNote!: string | null;

  @Field(() => String, { nullable: true })
  @NoteColumn()
  note!: string | null;

  @Field(() => [String], { description: "Source codes of the reference data (e.g. S1)." })
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
