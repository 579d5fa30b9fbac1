import type { RedisClient } from "../redis/connection.js";
import type { KeySpace } from "../redis/keys.js";
import type { ScriptRunner } from "../redis/script-runner.js";
import type { Queries } from "../store/queries.js";

/** What every operation needs: one connection to the namespace, and the schemas it knows. */
export interface OpsContext {
  readonly redis: RedisClient;
  readonly runner: ScriptRunner;
  readonly queries: Queries;
  readonly keys: KeySpace;
  /** The types of the application's contract; empty for a tool started without it. */
  readonly knownTypes: readonly string[];
  /**
   * A type's payload schema: the application's own when it has one, else the newest one a runtime
   * published to the registry; undefined when neither knows the type.
   */
  readonly schemaOf: (type: string) => Promise<object | undefined>;
}
