import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";

/**
 * One audited mutation: who, what, which object, before and after, when, and the request ID.
 * Append-only: database triggers refuse UPDATE and DELETE, and the API has no way to edit it.
 * `scopePath` is the materialised path of the unit the object belongs to, so a coordinator's
 * query is one prefix check.
 */
@ObjectType("AuditEntry", { implements: Node, description: "An audited change (nhật ký thay đổi)." })
@Entity("audit_entry")
@Index("ix_audit_scope", ["scopePath", "id"])
@Index("ix_audit_object", ["objectType", "objectId"])
@Index("ix_audit_actor", ["actorUserId"])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("AuditEntry", this.id);
  }

  @Field(() => Date)
  @Column({ name: "occurred_at", type: "datetime", precision: 3, default: () => "CURRENT_TIMESTAMP(3)" })
  occurredAt!: Date;

  @Column({ name: "actor_user_id", type: "int", unsigned: true, nullable: true })
  actorUserId!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "E-mail of the actor at the time (kept if the user is renamed).",
  })
  @Column({ name: "actor_email", type: "varchar", length: 254, nullable: true })
  actorEmail!: string | null;

  @Field({ description: "What was done, e.g. 'user.create', 'auth.login'." })
  @Column({ type: "varchar", length: 64 })
  action!: string;

  @Field({ description: "Type of the object changed, e.g. 'User'." })
  @Column({ name: "object_type", type: "varchar", length: 32 })
  objectType!: string;

  @Column({ name: "object_id", type: "int", unsigned: true, nullable: true })
  objectId!: number | null;

  @Column({ name: "scope_path", type: "varchar", length: 255, charset: "ascii", collation: "ascii_bin" })
  scopePath!: string;

  @Field(() => String, { nullable: true, description: "JSON of the object before the change." })
  @Column({ type: "longtext", nullable: true })
  before!: string | null;

  @Field(() => String, { nullable: true, description: "JSON of the object after the change." })
  @Column({ type: "longtext", nullable: true })
  after!: string | null;

  @Field({ description: "Request ID, as in the logs and the x-request-id header." })
  @Column({ name: "request_id", type: "varchar", length: 64 })
  requestId!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 64, nullable: true })
  ip!: string | null;
}
