import { Column, CreateDateColumn, UpdateDateColumn } from "typeorm";
import { Confidence, sourcesTransformer } from "./provenance";

/** Shared column shapes, so every table stores the same kinds of values the same way. */
export const CreatedAt = () =>
  CreateDateColumn({
    name: "created_at",
    type: "datetime",
    precision: 3,
    default: () => "CURRENT_TIMESTAMP(3)",
  });
export const UpdatedAt = () =>
  UpdateDateColumn({
    name: "updated_at",
    type: "datetime",
    precision: 3,
    default: () => "CURRENT_TIMESTAMP(3)",
    onUpdate: "CURRENT_TIMESTAMP(3)",
  });
export const SourcesColumn = () =>
  Column({ name: "sources", type: "varchar", length: 255, nullable: true, transformer: sourcesTransformer });
export const ConfidenceColumn = () =>
  Column({ name: "confidence", type: "varchar", length: 12, default: Confidence.CONFIRMED });
export const NoteColumn = () => Column({ name: "note", type: "text", nullable: true });
/** A foreign key column holding an unsigned int id. */
export const RefColumn = (name: string, nullable = false) =>
  Column({ name, type: "int", unsigned: true, nullable });
/** A calendar date kept as "YYYY-MM-DD" (TypeORM hydrates `date` columns as strings). */
export const DateColumn = (name: string, nullable = true) => Column({ name, type: "date", nullable });
