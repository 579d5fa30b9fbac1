/*
 * Template of a compiled validator in the generated module (markers as in templates/module.ts).
 * `@jobs:check` receives the statements TypeBox's Code() emits for the schema (each under its own
 * `// @ts-ignore`: it is untyped JavaScript), with its `export function Check` made local, so every
 * job's check lives in its own scope and no identifiers of two jobs collide.
 */
declare function Check(value: unknown): boolean;

// @jobs:template compiled
/** The check of __TYPE_NAME__Payload, compiled ahead of time by TypeBox; only the typed guards below call it. */
const compiled__TYPE_NAME__ = ((): ((value: unknown) => boolean) => {
  /* @jobs:check */
  return Check;
})();
// @jobs:end

// @jobs:template compiled-closed
/** The check a schedule call runs on a __TYPE_NAME__Payload: the schema closed (closedSchema), so an undeclared key is refused. */
const compiledClosed__TYPE_NAME__ = ((): ((value: unknown) => boolean) => {
  /* @jobs:check */
  return Check;
})();
// @jobs:end

export { compiled__TYPE_NAME__, compiledClosed__TYPE_NAME__ };
