/** Database, Extension, ForeignServer and UserMapping: the postgres_fdw plumbing on the main instance. */
import * as pulumi from "@pulumi/pulumi";
import { AdoptionArgs, ConnectionArgs, pgtierType, registerArgs } from "./common";

/** Arguments of {@link Database}. */
export interface DatabaseArgs {
  /** Connection to the instance (any existing database, e.g. `postgres`). */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Name of the database to create. */
  readonly name: pulumi.Input<string>;
}

/** A database on an instance. */
export class Database extends pulumi.CustomResource {
  constructor(name: string, args: DatabaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("Database"), name, registerArgs(args, []), opts);
  }
}

/** Arguments of {@link Extension}. */
export interface ExtensionArgs extends AdoptionArgs {
  /** Connection to the database to install into. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Extension name. */
  readonly name: pulumi.Input<string>;
  /**
   * Schema for the extension's objects.
   * @default the first schema on the search path (usually public)
   */
  readonly schema?: pulumi.Input<string>;
  /**
   * Version to install or update to.
   * @default the default version of the installed package
   */
  readonly version?: pulumi.Input<string>;
}

/** An installed extension, e.g. postgres_fdw on the main instance. */
export class Extension extends pulumi.CustomResource {
  /** The version PostgreSQL reports as installed. */
  declare readonly installedVersion: pulumi.Output<string>;

  constructor(name: string, args: ExtensionArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("Extension"), name, registerArgs(args, ["installedVersion", "installedSchema"]), opts);
  }
}

/** Arguments of {@link ForeignServer}. */
export interface ForeignServerArgs extends AdoptionArgs {
  /** Connection to the main instance's database. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** Server name (the guide's `archive_server`). */
  readonly name: pulumi.Input<string>;
  /** Archive host as the main instance sees it (for containers: the archive's container name). */
  readonly host: pulumi.Input<string>;
  /** Archive port as the main instance sees it (5432 inside a Docker network). */
  readonly port: pulumi.Input<number>;
  /** Database on the archive instance. */
  readonly dbname: pulumi.Input<string>;
  /**
   * postgres_fdw and libpq options: fetch_size, batch_size, use_remote_estimate,
   * async_capable, keep_connections, extensions, sslmode, sslrootcert, ...
   * Values are strings, as PostgreSQL stores them. Changed in place with ALTER SERVER.
   * @default {}
   */
  readonly options?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A postgres_fdw foreign server on the main instance. Name and options change in place. */
export class ForeignServer extends pulumi.CustomResource {
  /** The server's name, for user mappings and foreign partitions. */
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: ForeignServerArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("ForeignServer"), name, registerArgs(args, []), opts);
  }
}

/** Arguments of {@link UserMapping}. */
export interface UserMappingArgs extends AdoptionArgs {
  /** Connection to the main instance's database. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** The foreign server's name. */
  readonly server: pulumi.Input<string>;
  /**
   * Local role the mapping is for, or "PUBLIC".
   * @default the role of `connection`
   */
  readonly localUser?: pulumi.Input<string>;
  /** Role on the archive instance. */
  readonly remoteUser: pulumi.Input<string>;
  /**
   * Its password; pass a Pulumi secret. Changed in place with ALTER USER MAPPING.
   * @default none: libpq reads it from the server's `passfile` (a {@link PasswordFile}); postgres_fdw allows that only for a superuser local role
   */
  readonly password?: pulumi.Input<string>;
}

/**
 * Credentials postgres_fdw uses for one local role on one server. Creating or
 * changing it opens a test connection through the server, so an unreachable
 * archive or a wrong password fails here, with nothing left behind.
 */
export class UserMapping extends pulumi.CustomResource {
  constructor(name: string, args: UserMappingArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("UserMapping"), name, registerArgs(args, []), opts);
  }
}

/** One line of a {@link PasswordFile}. */
export interface PasswordFileEntryArgs {
  /** Host as the instance reaches the server (a foreign server's `host`). */
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly database: pulumi.Input<string>;
  readonly user: pulumi.Input<string>;
  /** Pass a secret. */
  readonly password: pulumi.Input<string>;
}

/** Arguments of {@link PasswordFile}. */
export interface PasswordFileArgs {
  /** The instance that reads it (the main instance), as its superuser. */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /**
   * File name in its data directory.
   * @default "pgtier.pgpass"
   */
  readonly fileName?: pulumi.Input<string>;
  /** One line per archive role: `host:port:database:user:password`. */
  readonly entries: pulumi.Input<pulumi.Input<PasswordFileEntryArgs>[]>;
}

/**
 * The guide's password file (.pgpass) on an instance: postgres_fdw reads
 * archive passwords from it (a foreign server's `passfile` option) instead
 * of user mappings holding them. Written by the server itself, mode 0600
 * as libpq requires; an entry changed is an update; a file changed or
 * removed by hand shows on refresh.
 */
export class PasswordFile extends pulumi.CustomResource {
  /** Its absolute path on the instance, for `passfile`. */
  declare readonly path: pulumi.Output<string>;

  constructor(name: string, args: PasswordFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("PasswordFile"), name, registerArgs(args, ["path"]), { ...opts, additionalSecretOutputs: ["entries"] });
  }
}
