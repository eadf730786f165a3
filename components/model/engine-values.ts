/**
 * The Pulumi engine's markers inside property bags, by the SDK's own
 * constants: a value not known yet (during `pulumi preview`, e.g. the port
 * of a container not created yet), and a secret wrapper
 * `{ [specialSigKey]: specialSecretSig, value }`.
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Bag, isBag } from "./reader";

/** The value the engine sends for a property that is not known yet. */
export const UNKNOWN: string = unknownValue;

/** True when `value` is, or contains, a value not known yet. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(isUnknown);
  }
  if (isBag(value)) {
    return Object.values(value).some(isUnknown);
  }
  return false;
}

/** True for a secret wrapper as the engine sends it. */
export function isSecret(value: unknown): value is Bag & { readonly value: unknown } {
  return isBag(value) && value[specialSigKey] === specialSecretSig;
}

/** Wraps `value` as the engine marks a secret. */
export function secretOf(value: unknown): Bag {
  return { [specialSigKey]: specialSecretSig, value };
}
