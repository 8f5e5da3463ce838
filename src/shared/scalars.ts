import { GraphQLScalarType, Kind } from "graphql";
import { LocalDateResolver } from "graphql-scalars";
import { BadInputError } from "./errors";

/** A calendar date "YYYY-MM-DD" (deadlines are dates in Asia/Ho_Chi_Minh, no time, no zone). */
export const LocalDate: GraphQLScalarType = LocalDateResolver;

const DECIMAL_RE = /^-?(0|[1-9][0-9]{0,19})(\.[0-9]{1,4})?$/;

/**
 * An exact decimal number carried as a string ("863916000000", "13.5"): money in VND and target
 * values never pass through a float.
 */
export const Decimal = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description: 'An exact decimal number as a string, e.g. "13.5" or "11000000000" (VND). Never a float.',
  serialize(value: unknown): string {
    if (typeof value === "string" || typeof value === "number" || typeof value === "bigint")
      return normalize(String(value));
    throw new TypeError("Decimal cannot represent this value");
  },
  parseValue(value: unknown): string {
    if (typeof value !== "string" || !DECIMAL_RE.test(value)) {
      throw new BadInputError(
        'Decimal must be a string such as "13.5" (at most 20 integer and 4 fraction digits)',
      );
    }
    return value;
  },
  parseLiteral(ast): string {
    if (ast.kind !== Kind.STRING || !DECIMAL_RE.test(ast.value)) {
      throw new BadInputError(
        'Decimal must be a string such as "13.5" (at most 20 integer and 4 fraction digits)',
      );
    }
    return ast.value;
  },
});

/** "13.50" → "13.5", "60.00" → "60". */
function normalize(s: string): string {
  if (!s.includes(".")) return s;
  return s.replace(/\.?0+$/, "");
}
