/** The stack's `pgtier:archives` setting: one entry per archive instance, with the periods it holds. */

/** One entry of `pgtier:archives`. */
export interface ArchiveConfig {
  /** The instance's key: its container is `<namePrefix>-<name>`, its foreign server `<name>_server`. */
  readonly name: string;
  /** First date (ISO) of the periods it holds. */
  readonly from?: string;
  /** End (exclusive, ISO) of the periods it holds. */
  readonly to?: string;
  /** Port on 127.0.0.1 to publish it on; 0 picks a free one once. */
  readonly port?: number;
}

/**
 * Every problem with the entries that the components cannot see: the list is
 * turned into one instance per name, so a name given twice would silently
 * lose an instance.
 */
export function archiveConfigProblems(entries: readonly ArchiveConfig[]): string[] {
  const problems: string[] = [];
  const first = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (typeof entry?.name !== "string" || entry.name === "") {
      problems.push(`pgtier:archives[${i}] has no name; give each archive instance a name, e.g. {"name": "archive-a"}`);
      return;
    }
    const earlier = first.get(entry.name);
    if (earlier !== undefined) {
      problems.push(
        `pgtier:archives[${earlier}] and pgtier:archives[${i}] are both named ${JSON.stringify(entry.name)}; give each instance one entry, with one from/to range`,
      );
    }
    first.set(entry.name, earlier ?? i);
  });
  return problems;
}
