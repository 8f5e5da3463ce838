import { Field, ID, InterfaceType } from "type-graphql";

/** Relay's Node: every object with an opaque global ID can be fetched with `node(id:)`. */
@InterfaceType("Node", {
  description: "An object with an opaque global ID.",
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: "Opaque global ID." })
  id!: string;
}
