/**
 * pgtier's CrossGuard policy pack: what a stack's archiving setup must
 * follow, checked by `pulumi preview --policy-pack policies`. The decisions
 * are in checks.ts; this file reads the resources and reports.
 *
 * Values unknown at preview (outputs of resources not created yet) are left
 * unchecked here rather than read: @pulumi/policy turns a policy that reads
 * one into an advisory "can't run policy during preview", which would let a
 * mandatory policy pass silently. See docs/policies.md.
 */
import { EnforcementLevel, PolicyPack, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import {
  backupProblem,
  mappingRoleProblems,
  Maybe,
  PACK_DEFAULTS,
  packSettings,
  plaintextPasswordProblems,
  publishedProblem,
  retentionProblem,
  serverSizeProblems,
  sslmodeProblem,
  UNKNOWN,
} from "./checks";
import { captureStackConfig, stackConfig } from "./stack-config";

// The @grpc/grpc-js that @pulumi/policy serves the analyzer with (see stack-config.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
captureStackConfig(require(require.resolve("@grpc/grpc-js", { paths: [require.resolve("@pulumi/policy")] })));

// The proxy @pulumi/policy wraps `props` in throws this for an unknown value;
// the module is internal to the package, so it has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: never[]) => Error };

/** pgtier's type tokens. */
const TYPE = {
  foreignServer: "pgtier:index:ForeignServer",
  userMapping: "pgtier:index:UserMapping",
  postgresInstance: "pgtier:index:PostgresInstance",
  role: "pgtier:index:Role",
  tieredPartition: "pgtier:index:TieredPartition",
} as const;

/**
 * A plain copy of a resource's properties with every unknown value replaced
 * by {@link UNKNOWN}, so the checks can skip it without tripping the proxy.
 */
export function known(value: unknown): Maybe<unknown> {
  if (typeof value !== "object" || value === null) {
    return value;
  }
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const key of Object.keys(value)) {
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch (err) {
      if (err instanceof UnknownValueError) {
        (copy as Record<string, unknown>)[key] = UNKNOWN;
        continue;
      }
      throw err;
    }
    (copy as Record<string, unknown>)[key] = known(field);
  }
  return copy;
}

/** One input of a resource, known or {@link UNKNOWN}. */
function input(props: unknown, name: string): Maybe<unknown> | undefined {
  const all = known(props) as Record<string, Maybe<unknown>>;
  return all[name];
}

type Bag = Readonly<Record<string, Maybe<unknown>>>;

/** A resource policy for one pgtier type. */
function forType(type: string, check: (args: ResourceValidationArgs, report: ReportViolation) => void) {
  return (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type === type) {
      check(args, report);
    }
  };
}

const settingsSchema = {
  fetchSize: {
    type: "object",
    description: "Bounds of a foreign server's fetch_size",
    properties: { min: { type: "integer" }, max: { type: "integer" } },
    default: PACK_DEFAULTS.fetchSize,
  },
  batchSize: {
    type: "object",
    description: "Bounds of a foreign server's batch_size",
    properties: { min: { type: "integer" }, max: { type: "integer" } },
    default: PACK_DEFAULTS.batchSize,
  },
} as const;

/** Mandatory unless the pack's config says otherwise (policies/config/dev.json makes every policy advisory). */
const enforcementLevel: EnforcementLevel = "mandatory";

new PolicyPack("pgtier", {
  enforcementLevel,
  policies: [
    {
      name: "foreign-server-sslmode",
      description:
        'Foreign servers reach archive instances over TLS: options.sslmode "require" or "verify-full" (stack config pgtier:sslmode).',
      validateResource: forType(TYPE.foreignServer, (args, report) => {
        const problem = sslmodeProblem({ resource: args.name, options: input(args.props, "options") as Maybe<Bag> | undefined });
        if (problem) {
          report(problem);
        }
      }),
    },
    {
      name: "user-mapping-not-superuser",
      description: "User mappings never log in to an archive as postgres, an instance's admin role, or a superuser Role.",
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const of = (type: string) => args.resources.filter((r) => r.type === type);
        const problems = mappingRoleProblems(
          of(TYPE.userMapping).map((r) => ({ resource: r.name, urn: r.urn, remoteUser: input(r.props, "remoteUser") })),
          of(TYPE.postgresInstance).map((r) => ({ resource: r.name, user: input(r.props, "user") })),
          of(TYPE.role).map((r) => ({ resource: r.name, name: input(r.props, "name"), superuser: input(r.props, "superuser") })),
        );
        for (const p of problems) {
          report(p.message, p.urn);
        }
      },
    },
    {
      name: "passwords-as-secrets",
      description: "Passwords in the stack's config are secrets (pgtier:password and each passwordKey).",
      validateStack: (_args: StackValidationArgs, report: ReportViolation) => {
        const config = stackConfig();
        if (!config.received) {
          report(
            "the engine sent no stack config to the policy pack, so passwords in it could not be checked; run the pack with pulumi preview or up",
          );
          return;
        }
        // Resources' password inputs cannot be checked: @pulumi/policy 1.21.0 drops
        // the secret marker before a policy sees them (see docs/policies.md).
        for (const problem of plaintextPasswordProblems(config.values, config.secretKeys)) {
          report(problem);
        }
      },
    },
    {
      name: "retention-minimum",
      description: "Retention (pgtier:retentionPeriods, in pgtier:period units) keeps at least minRetentionYears of data.",
      configSchema: {
        properties: {
          minRetentionYears: {
            type: "number",
            description: "Shortest retention allowed, in years",
            default: PACK_DEFAULTS.minRetentionYears,
          },
        },
      },
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        // Only a stack with tiered tables decommissions anything.
        if (!args.resources.some((r) => r.type === TYPE.tieredPartition)) {
          return;
        }
        const received = stackConfig();
        if (!received.received) {
          report(
            "the engine sent no stack config to the policy pack, so retention could not be checked; run the pack with pulumi preview or up",
          );
          return;
        }
        const config = received.values;
        const { minRetentionYears } = packSettings(args.getConfig<{ minRetentionYears?: number }>());
        const problem = retentionProblem(
          { retentionPeriods: config["pgtier:retentionPeriods"], period: config["pgtier:period"] },
          minRetentionYears,
        );
        if (problem) {
          report(problem);
        }
      },
    },
    {
      name: "decommission-backup",
      description: "Every tiered partition has a backup location, so decommissioning it can take its final backup (pgtier:backupLocation).",
      validateResource: forType(TYPE.tieredPartition, (args, report) => {
        const problem = backupProblem({ resource: args.name, backup: input(args.props, "backup") as Maybe<Bag> | undefined });
        if (problem) {
          report(problem);
        }
      }),
    },
    {
      name: "foreign-server-sizes",
      description: "Foreign servers' fetch_size and batch_size stay within the configured bounds (absent: postgres_fdw's default).",
      configSchema: { properties: settingsSchema },
      validateResource: forType(TYPE.foreignServer, (args, report) => {
        const settings = packSettings(args.getConfig<{ fetchSize?: unknown; batchSize?: unknown }>());
        const options = input(args.props, "options") as Maybe<Bag> | undefined;
        for (const problem of serverSizeProblems({ resource: args.name, options }, settings)) {
          report(problem);
        }
      }),
    },
    {
      name: "instance-loopback-only",
      description: "Container instances publish PostgreSQL on 127.0.0.1 only.",
      // A stack policy: the engine gives it each resource's outputs (where a container is published is an output),
      // while a resource policy sees only inputs.
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        for (const r of args.resources.filter((x) => x.type === TYPE.postgresInstance)) {
          const problem = publishedProblem({
            resource: r.name,
            container: input(r.props, "image") !== undefined,
            endpoint: input(r.props, "endpoint") as Maybe<Bag> | undefined,
            published: input(r.props, "publish") !== false,
          });
          if (problem) {
            report(problem, r.urn);
          }
        }
      },
    },
  ],
});
