import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: integration tests spawn real process trees; running files one at a time keeps
    // them from starving each other.
    fileParallelism: false,
  },
});
