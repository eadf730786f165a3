/** What one operation on a resource carries besides its values: who it is for, and where its progress goes. */

/** Reports one line of progress. */
export type Progress = (message: string) => void;

/** What one operation on a resource gets besides its values. */
export interface Operation {
  /** `ForeignServer "archive"`: the resource, as every message names it. */
  readonly label: string;
  /** Progress lines shown on the resource in `pulumi up`. */
  readonly progress: Progress;
  /** The resource's URN, where an object records which resource made it (a role's comment). */
  readonly urn?: string;
}

/** A progress sink that drops everything. */
export const noProgress: Progress = () => undefined;
