/**
 * pgtier's one error for inputs that cannot be carried out: its message
 * names the resource, each property and the fix. It is the SDK's
 * InputPropertiesError, which also carries the property paths; the SDK's
 * provider server (3.248) forwards those only from construct and call, so
 * from create, update and diff the engine shows the message, which says
 * everything on its own. Components report the same text as an error of
 * the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputPropertiesError } from "@pulumi/pulumi/errors";
import { CheckFailure } from "./model/types";

/** `TieredTable "employees" has invalid arguments:` and one indented line per problem. */
export function formatFailures(label: string, failures: readonly CheckFailure[]): string {
  return `${label} has invalid arguments:\n${failures.map((f) => `  - ${f.reason}`).join("\n")}`;
}

/** The error for `failures` of the resource `label` (e.g. `ForeignServer "archive"`). */
export function invalidInputs(label: string, failures: readonly CheckFailure[]): InputPropertiesError {
  return new InputPropertiesError({
    message: formatFailures(label, failures),
    errors: failures.map((f) => ({ propertyPath: f.property, reason: f.reason })),
  });
}

/**
 * A component's invalid arguments as an error of the component itself:
 * `pulumi up` shows it on the component's row, without a stack trace of
 * pgtier's internals.
 */
export function componentError(component: pulumi.Resource, label: string, failures: readonly CheckFailure[]): pulumi.ResourceError {
  return new pulumi.ResourceError(formatFailures(label, failures), component, true);
}
