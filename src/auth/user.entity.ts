import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAt, RefColumn, UpdatedAt } from "../shared/columns";
import { toGlobalId } from "../shared/ids";
import { Node } from "../shared/node";
import { Role } from "../shared/roles";

export enum UserStatus {
  ACTIVE = "active",
  DISABLED = "disabled",
}

/** A person who signs in. Belongs to one organization, which gives them their scope. */
@ObjectType("User", { implements: Node, description: "A person who signs in (người dùng)." })
@Entity("app_user")
@Index("uq_app_user_email", ["email"], { unique: true })
@Index("uq_app_user_oidc", ["oidcSubject"], { unique: true })
@Index("ix_app_user_org", ["orgId"])
export class User {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @Field(() => ID, { name: "id", description: "Opaque global ID." })
  get globalId(): string {
    return toGlobalId("User", this.id);
  }

  @Field({ description: "Sign-in e-mail, lower case." })
  @Column({ type: "varchar", length: 254 })
  email!: string;

  @Field()
  @Column({ name: "display_name", type: "varchar", length: 200 })
  displayName!: string;

  @ForeignKey("Organization")
  @RefColumn("org_id")
  orgId!: number;

  /** scrypt hash "scrypt$N$r$p$salt$hash"; null for users who only sign in through the identity provider. */
  @Column({ name: "password_hash", type: "varchar", length: 255, nullable: true })
  passwordHash!: string | null;

  /** "issuer|subject" of the province's identity provider, when linked. */
  @Column({ name: "oidc_subject", type: "varchar", length: 255, nullable: true })
  oidcSubject!: string | null;

  @Column({ type: "varchar", length: 16, default: UserStatus.ACTIVE })
  status!: UserStatus;

  @Column({ name: "failed_logins", type: "smallint", unsigned: true, default: 0 })
  failedLogins!: number;

  @Column({ name: "locked_until", type: "datetime", precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "last_login_at", type: "datetime", precision: 3, nullable: true })
  lastLoginAt!: Date | null;

  @Column({ type: "int", unsigned: true, default: 1 })
  version!: number;

  @CreatedAt()
  createdAt!: Date;

  @UpdatedAt()
  updatedAt!: Date;
}

@Entity("user_role")
export class UserRole {
  @ForeignKey("User", { onDelete: "CASCADE" })
  @PrimaryColumn({ name: "user_id", type: "int", unsigned: true })
  userId!: number;

  @PrimaryColumn({ type: "varchar", length: 32 })
  role!: Role;
}

/**
 * A refresh token, stored as its SHA-256 only. Each use rotates it: the old one is revoked and
 * points to its replacement; presenting a revoked one revokes its whole family (theft detection).
 */
@Entity("refresh_token")
@Index("uq_refresh_token_hash", ["tokenHash"], { unique: true })
@Index("ix_refresh_token_family", ["familyId"])
@Index("ix_refresh_token_user", ["userId"])
export class RefreshToken {
  @PrimaryGeneratedColumn({ type: "int", unsigned: true })
  id!: number;

  @ForeignKey("User", { onDelete: "CASCADE" })
  @RefColumn("user_id")
  userId!: number;

  @Column({ name: "family_id", type: "char", length: 36, charset: "ascii", collation: "ascii_bin" })
  familyId!: string;

  @Column({ name: "token_hash", type: "char", length: 64, charset: "ascii", collation: "ascii_bin" })
  tokenHash!: string;

  @Column({ name: "expires_at", type: "datetime", precision: 3 })
  expiresAt!: Date;

  @Column({ name: "revoked_at", type: "datetime", precision: 3, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: "replaced_by_id", type: "int", unsigned: true, nullable: true })
  replacedById!: number | null;

  @CreatedAt()
  createdAt!: Date;
}
