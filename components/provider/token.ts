/** pgtier's package name and type tokens (no I/O: safe to import from programs). */

/** The provider's package name, the first part of every type token. */
export const PACKAGE = "pgtier";

/** `pgtier:index:<Name>` for a resource name. */
export function typeToken(name: string): string {
  return `${PACKAGE}:index:${name}`;
}
