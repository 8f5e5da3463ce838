import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ParseOptions, type ValidationContext, type ValidationRule } from "graphql";

/**
 * Operation limits, checked before any resolver runs (a rejected operation costs no SQL).
 * Sized for the department portals: the README's examples and the API tests stay well inside them.
 */
export const LIMITS = {
  /**
   * Field nesting, fragments flattened. The deepest portal query (units -> nodes -> organizations
   * -> unit -> parent -> ancestors -> name) is 7; a province-to-village tree walk is 6. 10 leaves
   * room for more relation hops and bounds `parent { children { parent { ... } } }` loops.
   */
  maxDepth: 10,
  /**
   * Aliased fields per operation (`__typename` aliases are free). A dashboard asks for a handful
   * of counts at once (tasks per status: 8); 15 allows that without letting one request repeat
   * an expensive field hundreds of times.
   */
  maxAliases: 15,
  /**
   * `@include`/`@skip` uses per operation. Portal queries toggle a few optional sections; 10 is
   * plenty, and stops directive-flooding documents that make validation slow.
   */
  maxDirectives: 10,
  /**
   * Lexical tokens; graphql-js's parser stops at the limit, so parsing work stays bounded. The
   * longest README or test query has 66 tokens and GraphiQL's introspection query 163.
   */
  maxTokens: 2000,
  /**
   * graphql-armor's cost: 2 per object field, 1 per scalar, times 1.5 per level, times `first` or
   * `last` when written as a literal. Every README and test query fits even with a literal
   * first: 100, the largest page (README's PlanAtAGlance then costs 11272, the portal task list of
   * statement-count.test.ts 14656), so no documented query is refused for asking a full page; the
   * library's default of 5000 would refuse three README queries at first: 100. A `first` passed in
   * a variable counts as 1 (validation cannot see variables); it stays capped at 100 at run time.
   */
  maxCost: 15000,
  /**
   * Characters of the query text (variables excluded; the HTTP layer caps the whole body at
   * 1 MiB). Bounds huge string literals and comment padding, which tokens do not. The longest
   * README query has 562 characters and the introspection query 1927; 15000 is graphql-armor's
   * character-limit default.
   */
  characterLimit: 15000,
} as const;

/** The error code graphql-armor's validation limits reach clients with (Apollo sets it; HTTP 400). */
export const LIMIT_VALIDATION_CODE = "GRAPHQL_VALIDATION_FAILED";
/** The error code of the parser limits (`maxTokens`, `characterLimit`) (Apollo sets it; HTTP 400). */
export const LIMIT_PARSE_CODE = "GRAPHQL_PARSE_FAILED";

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;

/**
 * Reports a rejection as a validation error. graphql-armor prefixes its messages with
 * "Syntax Error: ", which they are not; the rest ("Query depth limit of 10 exceeded, found 11.")
 * is kept.
 */
function onReject() {
  return {
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, error: GraphQLError) => {
        ctx?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ""), {
            extensions: { code: LIMIT_VALIDATION_CODE },
          }),
        );
      },
    ],
  };
}

export interface Armor {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  /** Token and character limits, enforced by graphql-js's parser before it builds the document. */
  parseOptions: ParseOptions;
  /** One operation per request, or a batch would multiply every per-operation limit. */
  allowBatchedHttpRequests: false;
}

/**
 * The operation limits for Apollo Server: spread the result into its options, and append
 * `plugins` to the server's own plugins rather than replacing them.
 *
 * graphql-armor checks depth, aliases, directives and cost as validation rules, and in production
 * hides "Did you mean ..." suggestions. Tokens and characters are graphql-js parse options rather
 * than graphql-armor's max-tokens plugin: that plugin throws from an Apollo hook, which turns the
 * rejection into HTTP 500, and its `unexpectedErrorProcessingRequest` hook would show the message
 * of any unexpected internal error to the client as a validation error.
 */
export function createArmor(opts: { production: boolean }): Armor {
  const config: ArmorConfig = {
    maxDepth: { n: LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...onReject() },
    maxAliases: { n: LIMITS.maxAliases, allowList: ["__typename"], ...onReject() },
    maxDirectives: { n: LIMITS.maxDirectives, ...onReject() },
    costLimit: {
      maxCost: LIMITS.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...onReject(),
    },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: opts.production, mask: "[Suggestion hidden]" },
  };
  const { plugins, validationRules } = new ApolloArmor(config).protect();
  return {
    plugins,
    validationRules,
    parseOptions: { maxLexicalTokens: LIMITS.maxTokens, maxSourceLength: LIMITS.characterLimit },
    allowBatchedHttpRequests: false,
  };
}
