import { Field, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";

/** A public source the reference data cites (S1, S2, ...). */
@ObjectType("ReferenceSource", { description: "A public source the seeded facts cite." })
@Entity("reference_source")
export class ReferenceSource {
  @Field({ description: "Code used in `sources` fields, e.g. 'S17'." })
  @PrimaryColumn({ type: "varchar", length: 8 })
  code!: string;

  @Field()
  @Column({ type: "text" })
  citation!: string;
}
