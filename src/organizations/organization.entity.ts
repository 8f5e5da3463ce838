import { Field, ID, ObjectType } from "type-graphql";
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
import { OrganizationKind } from "./organization.enums";

/**
 * A body that receives tasks: a provincial department, the NTM Coordination Office, a People's
 * Committee, a village development board, a mass organization. Attached to the unit it serves,
 * which gives it its place (and later its scope) in the administrative tree.
 */
@ObjectType("Organization", {
  implements: Node,
  description: "A body that leads or cooperates on tasks (cơ quan, đơn vị).",
})
@Entity("organization")
@Index("uq_organization_code", ["code"], { unique: true })
@Index("ix_organization_unit", ["unitId", "kind"])
@Index("ix_organization_name_folded", ["nameFolded"])
export class Organization {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("Organization", this.id);
  }

  @Field({ description: "Stable short code, e.g. 'SNN' or 'UBND-058'." })
  @Column({ type: "varchar", length: 40 })
  code!: string;

  @Field()
  @Column({ type: "varchar", length: 255 })
  name!: string;

  @Field(() => String, { nullable: true, description: "Common abbreviation, e.g. 'SNN&PTNT'." })
  @Column({ name: "short_name", type: "varchar", length: 64, nullable: true })
  shortName!: string | null;

  @Column({ name: "name_folded", type: "varchar", length: 255 })
  nameFolded!: string;

  @Field(() => OrganizationKind)
  @Column({ type: "varchar", length: 24 })
  kind!: OrganizationKind;

  @ForeignKey("Unit")
  @RefColumn("unit_id")
  unitId!: number;

  @ForeignKey("Organization")
  @RefColumn("parent_id", true)
  parentId!: number | null;

  @Field({ description: "False once the body is dissolved or merged; kept for history." })
  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "Its role in the NTM programme, as the sources describe it.",
  })
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
