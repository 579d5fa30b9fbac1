import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = { "typed-jobs": fileURLToPath(new URL("./src/index.ts", import.meta.url)) };

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/faults/**", "**/node_modules/**"] } },
      { resolve: { alias }, test: { name: "faults", include: ["test/faults/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 60_000 } },
    ],
  },
});
