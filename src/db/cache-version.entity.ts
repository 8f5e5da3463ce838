import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * A counter per table that API processes keep in memory (src/units/unit.directory.ts): database
 * triggers add one on every INSERT, UPDATE and DELETE of the table, inside the writing
 * transaction, so a process that reads the same version as its copy knows the copy is current,
 * whoever wrote (the API, a seed, a script, an operator by hand).
 */
@Entity("cache_version")
export class CacheVersion {
  /** The table, e.g. "admin_unit". */
  @PrimaryColumn({ type: "varchar", length: 64 })
  name!: string;

  @Column({ type: "bigint", unsigned: true, default: 0 })
  version!: string;
}
