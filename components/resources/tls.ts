/**
 * CertificateAuthority, ServerCertificate and ServerTls: the certificates
 * instances serve TLS with, and TLS turned on in an instance, so
 * postgres_fdw connects with sslmode verify-full.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectionArgs, pgtierType, registerArgs } from "./common";

/** Arguments of {@link CertificateAuthority}. */
export interface CertificateAuthorityArgs {
  /** The CA's common name, e.g. `pgtier staging CA`. */
  readonly commonName: pulumi.Input<string>;
  /**
   * How long it is valid.
   * @default 3650
   */
  readonly validityDays?: pulumi.Input<number>;
  /**
   * Renewed (a new key and certificate, an update) once it expires within this many days.
   * @default 90
   */
  readonly renewBeforeDays?: pulumi.Input<number>;
}

/** A certificate authority: an ECDSA P-256 key and a self-signed certificate, kept in the state (the key as a secret). */
export class CertificateAuthority extends pulumi.CustomResource {
  /** The CA certificate (PEM), what clients verify servers against. */
  declare readonly certPem: pulumi.Output<string>;
  /** Its private key (PEM, secret). */
  declare readonly keyPem: pulumi.Output<string>;
  /** When it expires (ISO). */
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("CertificateAuthority"), name, registerArgs(args, ["certPem", "keyPem", "notAfter"]), {
      ...opts,
      additionalSecretOutputs: ["keyPem"],
    });
  }
}

/** Arguments of {@link ServerCertificate}. */
export interface ServerCertificateArgs {
  /** The CA's certificate ({@link CertificateAuthority.certPem}). */
  readonly caCertPem: pulumi.Input<string>;
  /** The CA's key ({@link CertificateAuthority.keyPem}). */
  readonly caKeyPem: pulumi.Input<string>;
  /** The certificate's common name. */
  readonly commonName: pulumi.Input<string>;
  /** Host names clients reach the server at; verify-full checks them (for a container: its name on the network). */
  readonly dnsNames: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * IP addresses clients reach it at.
   * @default []
   */
  readonly ipAddresses?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How long it is valid (never past the CA).
   * @default 365
   */
  readonly validityDays?: pulumi.Input<number>;
  /**
   * Renewed once it expires within this many days: `pulumi preview` shows `~ notAfter`, `up` issues a new one.
   * @default 30
   */
  readonly renewBeforeDays?: pulumi.Input<number>;
}

/** A server certificate signed by a CA; any change of what it is for, or a renewal, is an update that issues a new one. */
export class ServerCertificate extends pulumi.CustomResource {
  /** The certificate (PEM). */
  declare readonly certPem: pulumi.Output<string>;
  /** Its private key (PEM, secret). */
  declare readonly keyPem: pulumi.Output<string>;
  /** When it expires (ISO). */
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: ServerCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("ServerCertificate"), name, registerArgs(args, ["certPem", "keyPem", "notAfter"]), {
      ...opts,
      additionalSecretOutputs: ["keyPem", "caKeyPem"],
    });
  }
}

/** Arguments of {@link ServerTls}. */
export interface ServerTlsArgs {
  /** The instance, as its superuser (`instance.connection`). */
  readonly connection: pulumi.Input<ConnectionArgs>;
  /** The server certificate ({@link ServerCertificate.certPem}). */
  readonly certPem: pulumi.Input<string>;
  /** Its key ({@link ServerCertificate.keyPem}); pass a secret. */
  readonly keyPem: pulumi.Input<string>;
  /**
   * The CA that signed the certificate ({@link CertificateAuthority.certPem}):
   * the new TLS session is checked against it, and it is placed on the
   * instance (`pgtier_ca.crt` in its data directory) for it to verify other
   * servers against: the main instance's foreign servers' `sslrootcert`
   * ({@link ServerTls.caFile}).
   */
  readonly caPem: pulumi.Input<string>;
  /**
   * Roles that may connect only over TLS: pg_hba.conf rejects their
   * connections without it (pgtier's block at the top of the file).
   * @default []
   */
  readonly sslOnlyRoles?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * TLS on one instance, through SQL as its superuser: the certificate and
 * key written into the data directory (mode 0600, owned by the server),
 * `ssl = on` with ALTER SYSTEM, pgtier's block in pg_hba.conf, a reload,
 * and a TLS session checked against the CA. A new certificate is an update
 * (files rewritten, reload, no restart). Refresh sees ssl turned off, a
 * file replaced and pg_hba.conf lines removed by hand. Deleting it turns ssl
 * off and removes pgtier's lines.
 */
export class ServerTls extends pulumi.CustomResource {
  /** Absolute path of the CA file on the instance, for `sslrootcert`. */
  declare readonly caFile: pulumi.Output<string>;

  constructor(name: string, args: ServerTlsArgs, opts?: pulumi.CustomResourceOptions) {
    super(pgtierType("ServerTls"), name, registerArgs(args, ["caFile"]), { ...opts, additionalSecretOutputs: ["keyPem"] });
  }
}
