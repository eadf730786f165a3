/**
 * Secrets across the provider boundary. Definitions work on plain values;
 * the engine sends secrets wrapped, and re-marks as secret only the
 * top-level outputs whose inputs were, so pgtier re-marks nested ones itself.
 */
import { isSecret, secretOf } from "../model/engine-values";
import { Bag, isBag } from "../model/reader";

/** Replaces secret wrappers with their values, at any depth; the argument is left as it was. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) {
    return unwrapSecrets(value.value);
  }
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (isBag(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** A property bag with its secrets unwrapped. */
export function plainBag(bag: Bag): Bag {
  const plain = unwrapSecrets(bag);
  return isBag(plain) ? plain : {};
}

/**
 * Marks secret again, in what a definition returns, every value that was
 * secret in `template` (the inputs or state as the engine sent them). The
 * engine only re-marks top-level properties, so a password nested in an
 * object input (TieredPartition's archive.connection) would otherwise
 * reach the state in plain text.
 */
export function keepSecrets(template: unknown, value: unknown): unknown {
  if (isSecret(value)) {
    return value;
  }
  if (isSecret(template)) {
    return secretOf(keepSecrets(template.value, value));
  }
  if (Array.isArray(template) && Array.isArray(value)) {
    return value.map((v, i) => keepSecrets(template[i], v));
  }
  if (isBag(template) && isBag(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k in template ? keepSecrets(template[k], v) : v]));
  }
  return value;
}

/** {@link keepSecrets} for a whole property bag. */
export function keepSecretsIn(template: Bag, value: Bag): Bag {
  const marked = keepSecrets(template, value);
  return isBag(marked) ? marked : value;
}
