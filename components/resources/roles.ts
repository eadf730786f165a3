/**
 * Role and Grant, named and shaped as @pulumi/postgresql's, whose plugin
 * cannot be installed where pgtier runs: the roles postgres_fdw logs in as
 * on an archive instance, and what they may read or write there.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectionArgs, pgtierType, registerArgs } from "./common";

/** Arguments of {@link Role}. */
export interface RoleArgs {
  /** Connection to the instance (any database: roles belong to the whole instance), usually `instance.connection`. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Role name. Changing it replaces the role. */
  readonly name: pulumi.Input<string>;
  /**
   * Whether the role may log in (a user rather than a group).
   * @default false
   */
  readonly login?: pulumi.Input<boolean>;
  /**
   * Its password; pass a Pulumi secret. Changed in place with ALTER ROLE.
   * @default a random 32-character password, generated once at create and kept in the state as a secret ({@link Role.loginPassword})
   */
  readonly password?: pulumi.Input<string>;
  /**
   * Superuser. pgtier's policy pack refuses user mappings to a superuser.
   * @default false
   */
  readonly superuser?: pulumi.Input<boolean>;
  /**
   * May create databases.
   * @default false
   */
  readonly createDatabase?: pulumi.Input<boolean>;
  /**
   * May create roles.
   * @default false
   */
  readonly createRole?: pulumi.Input<boolean>;
  /**
   * Inherits the privileges of roles it is a member of.
   * @default true
   */
  readonly inherit?: pulumi.Input<boolean>;
  /**
   * May start streaming replication.
   * @default false
   */
  readonly replication?: pulumi.Input<boolean>;
  /**
   * Concurrent connections it may open; -1 for no limit.
   * @default -1
   */
  readonly connectionLimit?: pulumi.Input<number>;
  /**
   * Take over a role of this name that pgtier did not create: its
   * attributes and password become the program's. Without it such a role is
   * refused, unchanged. One pgtier created (a rerun of an interrupted
   * create) is taken over either way.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
}

/**
 * A role on one instance. Its attributes change in place and a refresh sees
 * them changed by hand. Deleting it revokes what it holds in the
 * connection's database, then drops it; a role that owns tables there is
 * refused, naming them.
 */
export class Role extends pulumi.CustomResource {
  /** The role's name. */
  declare readonly name: pulumi.Output<string>;
  /** The password it logs in with: `password`, or the one generated (secret). */
  declare readonly loginPassword: pulumi.Output<string>;

  constructor(name: string, args: RoleArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("Role"), name, registerArgs(args, ["loginPassword"]), {
      ...opts,
      additionalSecretOutputs: ["password", "loginPassword"],
    });
  }
}

/** Arguments of {@link Grant}. */
export interface GrantArgs {
  /** Connection to the database the objects are in, usually `instance.connection`. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /**
   * The database (objectType `database`).
   * @default the connection's database
   */
  readonly database?: pulumi.Input<string>;
  /** The role the privileges are for. */
  readonly role: pulumi.Input<string>;
  /**
   * Schema of the objects (objectType `schema`, `table`, `sequence`).
   * @default "public"
   */
  readonly schema?: pulumi.Input<string>;
  /** What the privileges are on: `database`, `schema`, `table`, `sequence` or `foreign_server`. */
  readonly objectType: pulumi.Input<"database" | "schema" | "table" | "sequence" | "foreign_server">;
  /**
   * Names of the tables, sequences or foreign servers. For tables and
   * sequences, none means every one in the schema when the grant is made.
   * @default []
   */
  readonly objects?: pulumi.Input<pulumi.Input<string>[]>;
  /** Privileges, upper case, e.g. `["SELECT"]`; an empty list revokes everything. The role holds exactly these. */
  readonly privileges: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Whether the role may grant them on.
   * @default false
   */
  readonly withGrantOption?: pulumi.Input<boolean>;
}

/**
 * Exactly `privileges` for one role on the objects: create and update revoke
 * what it held there and grant the list in one transaction, delete revokes.
 * A refresh reads the privileges back.
 */
export class Grant extends pulumi.CustomResource {
  constructor(name: string, args: GrantArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("Grant"), name, registerArgs(args, []), opts);
  }
}
