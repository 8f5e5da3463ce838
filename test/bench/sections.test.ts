import { SECTIONS } from "../../scripts/bench/index";

/**
 * `npm run bench` imports every section module and calls its `run()` (scripts/bench/index.ts): a
 * module that runs itself on import, or exports no `run`, breaks the whole report (the roll-up
 * section once did both: it started its benchmark on import and the run failed at its end).
 */
describe("npm run bench sections", () => {
  it.each(SECTIONS)("%s exports run()", async (name) => {
    const mod = (await import(`../../scripts/bench/${name}`)) as { run?: unknown };
    expect(typeof mod.run).toBe("function");
  });
});
