/** What pgtier reads from a resource's URN. */

/** The type part of a URN: `pgtier:index:ForeignServer`, past any parent types. */
function typeOf(urn: string): string {
  const parts = urn.split("::");
  return (parts[parts.length - 2] ?? "").split("$").pop() ?? "";
}

/** The resource name (last part of the type token) from a URN. */
export function typeNameFromUrn(urn: string): string {
  return typeOf(urn).split(":").pop() ?? "";
}

/** `ForeignServer "archive"`: the resource type and name from a URN, for messages. */
export function labelFromUrn(urn: string): string {
  const parts = urn.split("::");
  return `${typeNameFromUrn(urn)} ${JSON.stringify(parts[parts.length - 1] ?? urn)}`;
}
