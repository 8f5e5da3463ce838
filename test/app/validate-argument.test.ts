import "reflect-metadata";
import { Max, Min } from "class-validator";
import { ArgumentValidationError } from "type-graphql";
import { validateArgument } from "../../src/app/schema";
import { ConnectionArgs } from "../../src/shared/pagination";

class Range {
  @Min(1, { message: "low must be at least 1" })
  low!: number;

  @Max(10, { message: "high must be at most 10" })
  high?: number;
}

function range(low: number, high?: number): Range {
  return Object.assign(new Range(), { low, high });
}

async function failure(value: unknown): Promise<ArgumentValidationError> {
  const err = await validateArgument(value).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArgumentValidationError);
  return err as ArgumentValidationError;
}

describe("validateArgument (the schema's class-validator step)", () => {
  it("lets valid objects, scalars and null through", async () => {
    await expect(
      validateArgument(Object.assign(new ConnectionArgs(), { first: 100 })),
    ).resolves.toBeUndefined();
    await expect(validateArgument(range(1))).resolves.toBeUndefined(); // high missing: skipped
    await expect(validateArgument(5)).resolves.toBeUndefined();
    await expect(validateArgument("x")).resolves.toBeUndefined();
    await expect(validateArgument(null)).resolves.toBeUndefined();
  });

  it("rejects an invalid object with every failed constraint", async () => {
    const err = await failure(range(0, 11));
    const messages = err.extensions.validationErrors.flatMap((e) => Object.values(e.constraints ?? {}));
    expect(messages.sort()).toEqual(["high must be at most 10", "low must be at least 1"]);
    const page = await failure(Object.assign(new ConnectionArgs(), { first: 101 }));
    expect(page.extensions.validationErrors[0].constraints).toEqual({ max: "first must be at most 100" });
  });

  it("checks each object of a list and ignores its scalars", async () => {
    await expect(validateArgument([range(1), range(2, 3), 7, null])).resolves.toBeUndefined();
    const err = await failure([range(1), range(-1)]);
    expect(err.extensions.validationErrors.map((e) => e.property)).toEqual(["low"]);
  });
});
