/**
 * The import rules of src/, checked by `npm run check:deps` (part of `npm test`).
 *
 * Layers, lowest first; a module imports only from its own layer and those below it:
 *   errors.ts → options/ → interfaces.ts → contract/ → redis/ → store/ → tracing/ → ops/ → pool/ → client/ → index.ts
 * and metrics/, a second entry (typed-jobs/metrics) on top of the client that nothing else imports.
 * dashboard/ (the `typed-jobs/dashboard` entry) stands beside pool/ and client/: it acts through ops/
 * and contract/ only, and nothing else in src/ imports it.
 * Only redis/ talks to ioredis: every other layer reaches Redis through redis/'s typed wrappers.
 * Only tracing/ talks to @opentelemetry/api, only metrics/ to prom-client.
 * Type-only imports count too: a type from a higher layer couples the two as much as a value does.
 */

/** A rule that forbids `layer` to import anything under `above`. */
function layer(name, from, above, comment) {
  return { name, severity: "error", comment, from: { path: from }, to: { path: above } };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes the load order depend on which module is imported first.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "only-redis-speaks-redis",
      severity: "error",
      comment: "ioredis is imported by src/redis/ only; other layers use its typed wrappers.",
      from: { path: "^src/", pathNot: "^src/redis/" },
      to: { path: "^ioredis$|(^|/)node_modules/ioredis/" },
    },
    {
      name: "runtime-imports-runtime-deps",
      severity: "error",
      comment: "src/ is what a worker imports: it may use Node's built-ins, ioredis, typebox, croner, @opentelemetry/api and prom-client, nothing the generator or the tests need (the OpenTelemetry SDK is the application's choice).",
      from: { path: "^src/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-bundled", "npm-no-pkg", "npm-unknown"], pathNot: "(^|/)node_modules/(ioredis|typebox|croner|@opentelemetry/api|prom-client)/" },
    },
    {
      name: "only-tracing-speaks-opentelemetry",
      severity: "error",
      comment: "Spans are made in tracing/ only: the pool and the client call its functions.",
      from: { path: "^src/", pathNot: "^src/tracing/" },
      to: { path: "(^|/)node_modules/@opentelemetry/" },
    },
    {
      name: "only-metrics-imports-prom-client",
      severity: "error",
      comment: "prom-client is an optional peer: only the typed-jobs/metrics entry may load it.",
      from: { path: "^src/", pathNot: "^src/metrics/" },
      to: { path: "(^|/)node_modules/prom-client/" },
    },
    {
      name: "src-not-tooling",
      severity: "error",
      comment: "The runtime never imports the generator, its templates, the tests, the benchmark or the demo.",
      from: { path: "^src/" },
      to: { path: "^(codegen|templates|test|bench|demo)/" },
    },
    layer("errors-is-the-floor", "^src/errors\\.ts$", "^src/(?!errors\\.ts$)", "errors.ts imports nothing of src/."),
    layer("options-below-interfaces", "^src/options/", "^src/(?!errors\\.ts$|options/)", "options/ imports errors.ts only."),
    layer("interfaces-below-contract", "^src/interfaces\\.ts$", "^src/(?!errors\\.ts$|options/|interfaces\\.ts$)", "The public types import errors.ts and options/ only."),
    layer("contract-below-redis", "^src/contract/", "^src/(redis|store|tracing|ops|pool|client|metrics)/|^src/index\\.ts$", "A job type knows nothing of how it is stored or run."),
    layer("redis-below-store", "^src/redis/", "^src/(contract|store|tracing|ops|pool|client|metrics)/|^src/index\\.ts$", "redis/ is the typed face of Redis: records, keys, scripts; it knows no job type, query, pool or client."),
    layer("store-below-ops", "^src/store/", "^src/(tracing|ops|pool|client|metrics)/|^src/index\\.ts$", "store/ reads jobs for the operations, the pool and the client, and imports none of them."),
    layer("tracing-below-ops", "^src/tracing/", "^src/(ops|pool|client|metrics)/|^src/index\\.ts$", "tracing/ makes the spans of a schedule and an attempt from a job's record; it knows no operation, pool or client."),
    layer("ops-below-pool", "^src/ops/", "^src/(pool|client|metrics)/|^src/index\\.ts$", "Operations act on a namespace's jobs through store/ and redis/; they know no pool or client."),
    layer("pool-below-client", "^src/pool/", "^src/(client|metrics)/|^src/index\\.ts$", "A pool is made by the client, never the other way round."),
    layer("metrics-is-an-entry", "^src/(?!metrics/)", "^src/metrics/", "typed-jobs/metrics is a second entry: the runtime never loads prom-client."),
    layer("dashboard-on-ops", "^src/dashboard/", "^src/(redis|store|tracing|pool|client|metrics)/|^src/index\\.ts$", "The dashboard acts through the operations (ops/) and reads contracts (contract/); it knows no key, query, pool or client."),
    layer("nothing-imports-the-dashboard", "^src/(?!dashboard/)", "^src/dashboard/", "The dashboard is its own entry (typed-jobs/dashboard): a worker that imports typed-jobs never loads it."),
    layer("index-is-the-top", "^src/", "^src/index\\.ts$", "index.ts is the package's entry: nothing inside imports it."),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/redis/lua/|^src/dashboard/assets/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
