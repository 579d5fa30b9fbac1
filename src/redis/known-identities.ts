/**
 * The identities a pool knows for one job type, as the scripts take them (includes/identities.lua):
 * `,a,b,` newest first, or `*` when its build lists none (a module generated before identities were
 * listed), which knows every identity.
 */
export function knownIdentityList(identities: readonly string[] | undefined): string {
  return identities === undefined ? "*" : `,${identities.join(",")},`;
}

/** Whether a job stamped `identity` (undefined: not stamped) is one the list knows. */
export function knowsIdentity(known: string, identity: string | undefined): boolean {
  return identity === undefined || known === "*" || known.includes(`,${identity},`);
}
