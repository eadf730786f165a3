/**
 * Reading SQL text as PostgreSQL's lexer does, as far as pgtier needs: where
 * quoted text, quoted identifiers, comments and dollar-quoted bodies start
 * and end, so what is in them is never taken for code. Pure.
 */

/**
 * Where the quoted text that starts at `i` (with `quote`) ends: past its
 * closing quote. A doubled quote is one character; in an `E'...'` string a
 * backslash escapes the next one.
 */
function quotedEnd(sql: string, i: number, quote: string): number {
  const escapes = quote === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[\w$]/.test(sql[i - 2]));
  for (let at = i + 1; at < sql.length; at++) {
    if (escapes && sql[at] === "\\") {
      at++;
    } else if (sql[at] === quote) {
      if (sql[at + 1] !== quote) {
        return at + 1;
      }
      at++;
    }
  }
  return sql.length;
}

/**
 * Where the comment or dollar-quoted body at `i` ends, or undefined when
 * none starts there (a `$` right after a word is part of it, not a quote).
 */
function skippedEnd(sql: string, i: number, afterWord: boolean): number | undefined {
  const rest = sql.slice(i, i + 2);
  if (rest === "--") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end;
  }
  if (rest === "/*") {
    const end = sql.indexOf("*/", i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  const tag = afterWord ? null : /^\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$/.exec(sql.slice(i));
  if (tag) {
    const end = sql.indexOf(tag[0], i + tag[0].length);
    return end < 0 ? sql.length : end + tag[0].length;
  }
  return undefined;
}

/**
 * Where the text at `i` stops being code: past the quoted text, quoted
 * identifier, comment or dollar-quoted body that starts there; undefined
 * when code goes on at `i`.
 */
export function notCodeEnd(sql: string, i: number): number | undefined {
  const c = sql[i];
  if (c === "'" || c === '"') {
    return quotedEnd(sql, i, c);
  }
  return skippedEnd(sql, i, i > 0 && /[\w$]/.test(sql[i - 1]));
}

/** How many statements the text holds: semicolons in code that have code after them, plus one. */
export function statementCount(sql: string): number {
  let count = 1;
  let pending = false;
  for (let i = 0; i < sql.length;) {
    const end = notCodeEnd(sql, i);
    if (end !== undefined) {
      const comment = sql.startsWith("--", i) || sql.startsWith("/*", i);
      if (pending && !comment) {
        count++;
        pending = false;
      }
      i = end;
      continue;
    }
    if (sql[i] === ";") {
      pending = true;
    } else if (pending && !/\s/.test(sql[i])) {
      count++;
      pending = false;
    }
    i++;
  }
  return count;
}
