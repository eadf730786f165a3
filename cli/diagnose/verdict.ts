/**
 * What one doctor check found about one object: ok, a failure with its fix,
 * or skipped (another failure hides it). Pure values and their one-line
 * rendering.
 */

/** The outcome of one check on one object. */
export type Verdict =
  | { readonly status: "ok"; readonly check: string; readonly object: string; readonly note?: string }
  | { readonly status: "fail"; readonly check: string; readonly object: string; readonly what: string; readonly fix: string }
  | { readonly status: "skip"; readonly check: string; readonly object: string; readonly why: string };

/** A passing verdict. */
export function ok(check: string, object: string, note?: string): Verdict {
  return Object.freeze({ status: "ok", check, object, ...(note ? { note } : {}) });
}

/** A failing verdict: what is wrong, and how to fix it. */
export function fail(check: string, object: string, what: string, fix: string): Verdict {
  return Object.freeze({ status: "fail", check, object, what, fix });
}

/** A check that could not run on this object, and why. */
export function skip(check: string, object: string, why: string): Verdict {
  return Object.freeze({ status: "skip", check, object, why });
}

/** `ok    <check>  <object>`, `FAIL  <check>  <object>: <what> — <fix>` or `skip  <check>  <object>: <why>`. */
export function formatVerdict(v: Verdict): string {
  switch (v.status) {
    case "ok":
      return `ok    ${v.check}  ${v.object}${v.note ? ` (${v.note})` : ""}`;
    case "fail":
      return `FAIL  ${v.check}  ${v.object}: ${v.what} — ${v.fix}`;
    case "skip":
      return `skip  ${v.check}  ${v.object}: ${v.why}`;
  }
}

/** Whether any verdict failed (the command then exits non-zero). */
export function anyFailed(verdicts: readonly Verdict[]): boolean {
  return verdicts.some((v) => v.status === "fail");
}
