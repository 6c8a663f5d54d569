import { describe, expect, it } from "vitest";
import { restoreMallocVariable, tunedMalloc } from "../../runtime/process/malloc-tuning.js";

describe("GLIBC_TUNABLES of a launched process", () => {
  it.each([undefined, "", "glibc.malloc.arena_max=4", `${tunedMalloc(undefined)}:x`])("is put back exactly as the user had it (%j)", (user) => {
    const launched = tunedMalloc(user);
    expect(launched).toMatch(/^glibc\.malloc\.trim_threshold=\d+:glibc\.malloc\.mmap_threshold=\d+/);
    // The user's own tunables come after ours: glibc takes the last value of a name.
    if (user) expect(launched.endsWith(`:${user}`)).toBe(true);
    const env: NodeJS.ProcessEnv = { GLIBC_TUNABLES: launched, OTHER: "1" };
    restoreMallocVariable(env);
    expect(env).toEqual(user === undefined ? { OTHER: "1" } : { GLIBC_TUNABLES: user, OTHER: "1" });
  });

  it("is left alone when the launcher did not set it", () => {
    const env: NodeJS.ProcessEnv = { GLIBC_TUNABLES: "glibc.malloc.arena_max=4" };
    restoreMallocVariable(env);
    expect(env).toEqual({ GLIBC_TUNABLES: "glibc.malloc.arena_max=4" });
  });
});
