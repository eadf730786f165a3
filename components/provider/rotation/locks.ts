/** Lock conflicts a tier change retries: a lock not granted in time, or a deadlock with a writer. */

/** SQLSTATEs of a lock not granted within lock_timeout (55P03) and of a deadlock victim (40P01). */
const LOCK_CONFLICT_CODES = ["55P03", "40P01"];

/** The SQLSTATE of an error, if it has one. */
function codeOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}

/** Whether `err`, or an error it wraps, is a lock conflict: worth another attempt. */
export function isLockConflict(err: unknown): boolean {
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    const code = codeOf(e);
    if (code && LOCK_CONFLICT_CODES.includes(code)) {
      return true;
    }
  }
  return false;
}

/** An error that counts as a lock conflict, for a step that chooses to give way and retry. */
export function lockConflict(message: string): Error {
  return Object.assign(new Error(message), { code: "55P03" });
}
