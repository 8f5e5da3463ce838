import { lexicographicSortSchema, printSchema } from "graphql";
import { getSchema } from "./schema";

/** The schema as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printSortedSchema(): Promise<string> {
  const header =
    "# Emitted from the code by `npm run schema:emit`. Do not edit: a test fails when it drifts.\n\n";
  return header + printSchema(lexicographicSortSchema(await getSchema())) + "\n";
}
