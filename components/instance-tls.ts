/**
 * TLS for instances: a server certificate from the stack's certificate
 * authority and ServerTls on the instance. Only creates resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { PostgresInstance } from "./resources/postgres-instance";
import { CertificateAuthority, ServerCertificate, ServerTls } from "./resources/tls";

/** How one instance serves TLS. */
export interface InstanceTlsArgs {
  /**
   * Roles that may connect to it only over TLS (postgres_fdw's, on an archive).
   * @default []
   */
  readonly sslOnlyRoles?: readonly string[];
  /**
   * How long its certificate is valid; it is renewed 30 days before it expires.
   * @default 365
   */
  readonly validityDays?: number;
}

/**
 * A certificate for the names the instance is reached at (its name on the
 * network, which postgres_fdw's verify-full checks; localhost and 127.0.0.1
 * for the runner) and TLS turned on in it.
 */
export function serveTls(
  name: string,
  ca: CertificateAuthority,
  instance: PostgresInstance,
  args: InstanceTlsArgs = {},
  opts: pulumi.CustomResourceOptions = {},
): ServerTls {
  const host = instance.internalEndpoint.host;
  const cert = new ServerCertificate(
    `${name}-cert`,
    {
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      commonName: host,
      dnsNames: pulumi.output(host).apply((h) => [...new Set([h, "localhost"])]),
      ipAddresses: ["127.0.0.1"],
      validityDays: args.validityDays,
    },
    opts,
  );
  return new ServerTls(
    `${name}-tls`,
    {
      connection: instance.connection,
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      caPem: ca.certPem,
      sslOnlyRoles: [...(args.sslOnlyRoles ?? [])],
    },
    opts,
  );
}
