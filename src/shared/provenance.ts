import { registerEnumType } from "type-graphql";

/**
 * How sure we are of a seeded fact. Uncertain facts stay editable data; unknown ones are stored
 * as NULL and marked so, never invented.
 */
export enum Confidence {
  CONFIRMED = "confirmed",
  UNCERTAIN = "uncertain",
  UNKNOWN = "unknown",
}
registerEnumType(Confidence, {
  name: "Confidence",
  description: "How sure the data is: confirmed in a source, uncertain (recalled or inferred), or unknown.",
});

/** Comma-separated source codes ("S17,S19") <-> string[] for a varchar column. */
export const sourcesTransformer = {
  to: (v: string[] | null | undefined): string | null => (v && v.length > 0 ? v.join(",") : null),
  from: (v: string | null): string[] => (v ? v.split(",") : []),
};

/** A list of strings kept as a JSON array in a text column; NULL reads as the empty list. */
export const jsonListTransformer = {
  to: (v: string[] | null | undefined): string | null => (v && v.length > 0 ? JSON.stringify(v) : null),
  from: (v: string | null): string[] => (v ? (JSON.parse(v) as string[]) : []),
};
