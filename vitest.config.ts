import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = [
  { find: /^typed-jobs\/dashboard$/, replacement: fileURLToPath(new URL("./src/dashboard/index.ts", import.meta.url)) },
  { find: /^typed-jobs\/metrics$/, replacement: fileURLToPath(new URL("./src/metrics/index.ts", import.meta.url)) },
  { find: /^typed-jobs$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
];

export default defineConfig({
  resolve: { alias },
  test: {
    // Vitest's default of one worker less than the cores is one worker on a two-core machine; the
    // tests wait on Redis, child processes and timers more than they compute.
    maxWorkers: Math.max(3, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/faults/**", "**/node_modules/**"] } },
      { extends: true, test: { name: "faults", include: ["test/faults/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 60_000 } },
    ],
  },
});
