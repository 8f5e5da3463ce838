/**
 * The framework benchmark's yardsticks, in a process of their own (node dist/scripts/bench/baseline-server.js
 * <a|f> <port> <units.json>): bare graphql-js on node:http serving the API's schema (its SDL,
 * schema/schema.graphql) from memory. (a) parses, validates and executes every request with
 * `graphql()`; (f) keeps a cache of parsed and validated documents and only executes: the
 * practical limit of any GraphQL server in Node. Prints "listening <port>".
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { buildSchema, type DocumentNode, execute, graphql, parse, validate } from "graphql";
import { projectRoot } from "./report";

interface Item {
  id: string;
  name: string;
  code: string | null;
}

function main(): void {
  const [mode, portArg, dataFile] = process.argv.slice(2);
  const schema = buildSchema(readFileSync(path.join(projectRoot(), "schema/schema.graphql"), "utf8"));
  const items = JSON.parse(readFileSync(dataFile, "utf8")) as Item[];
  // The same page our server returns, from memory: a connection of `first` units.
  const rootValue = {
    units: ({ first }: { first: number }) => {
      const page = items.slice(0, first);
      return {
        totalCount: items.length,
        edges: page.map((node) => ({ cursor: node.id, node })),
        nodes: page,
        pageInfo: {
          hasNextPage: items.length > first,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: null,
        },
      };
    },
  };
  const cache = new Map<string, DocumentNode>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          query: string;
          variables?: Record<string, unknown>;
        };
        let result;
        if (mode === "f") {
          let doc = cache.get(query);
          if (!doc) {
            doc = parse(query);
            const errors = validate(schema, doc);
            if (errors.length) {
              result = { errors };
            } else cache.set(query, doc);
          }
          result ??= await execute({ schema, document: doc, rootValue, variableValues: variables });
        } else {
          result = await graphql({ schema, source: query, rootValue, variableValues: variables });
        }
        const text = JSON.stringify(result);
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(text);
      })();
    });
  });
  server.listen(Number(portArg), "127.0.0.1", () => process.stdout.write(`listening ${portArg}\n`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

main();
