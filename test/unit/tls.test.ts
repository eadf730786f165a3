import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { createAuthority, dueForRenewal, issueServerCertificate, signedBy } from "../../components/tls/certificates";
import { quoteShellWord } from "../../components/sql/quote";
import {
  buildRenameFilesSql,
  buildSslOnSql,
  pendingPathOf,
  sslOnlyRolesIn,
  withoutPgtierBlock,
  withPgtierBlock,
} from "../../components/sql/tls";
import { validateServerCertificateArgs, validateServerTlsArgs } from "../../components/validate/tls";
import { securityConfigProblems, serverOptionsOf } from "../../stacks/security";

const HBA = "local all all trust\nhost all all all scram-sha-256\n";

describe("TLS: certificates, pg_hba.conf and settings", () => {
  it("issues a server certificate for the names verify-full checks, signed by the CA, within the CA's life", async () => {
    const ca = await createAuthority("pgtier test CA", 10);
    const cert = await issueServerCertificate(ca, {
      commonName: "archive",
      dnsNames: ["archive", "localhost"],
      ipAddresses: ["127.0.0.1"],
      validityDays: 365,
    });
    const x = new X509Certificate(cert.certPem);
    assert.equal(x.subjectAltName, "DNS:archive, DNS:localhost, IP Address:127.0.0.1");
    assert.ok(x.checkHost("archive"));
    assert.equal(x.checkHost("elsewhere"), undefined);
    assert.ok(signedBy(cert.certPem, ca.certPem));
    assert.equal(signedBy(cert.certPem, (await createAuthority("another CA", 10)).certPem), false);
    assert.ok(Date.parse(cert.notAfter) <= Date.parse(ca.notAfter), "never past the CA");
    assert.match(cert.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(new X509Certificate(ca.certPem).ca, true);
  });

  it("is due for renewal within renewBeforeDays of expiry", () => {
    const now = new Date("2026-12-01T00:00:00Z");
    assert.equal(dueForRenewal("2026-12-20T00:00:00Z", 30, now), true);
    assert.equal(dueForRenewal("2027-06-01T00:00:00Z", 30, now), false);
    assert.equal(dueForRenewal(undefined, 30, now), true);
  });

  it("puts pgtier's block first in pg_hba.conf, replaces it on change, and reads its roles back", () => {
    const once = withPgtierBlock(HBA, ["fdw_writer", "fdw_reader"]);
    assert.equal(
      once,
      `# pgtier: begin (managed by pgtier; these roles connect only over TLS)\nhostnossl all "fdw_reader","fdw_writer" all reject\n# pgtier: end\n${HBA}`,
    );
    assert.deepEqual(sslOnlyRolesIn(once), ["fdw_reader", "fdw_writer"]);
    assert.equal(withPgtierBlock(once, ["fdw_reader"]).split("pgtier: begin").length, 2, "one block");
    assert.equal(withoutPgtierBlock(once), HBA);
    assert.equal(withPgtierBlock(once, []), HBA);
    assert.deepEqual(sslOnlyRolesIn(HBA), []);
  });

  it("writes files under a pending name and renames them together, paths quoted for the shell and for SQL", () => {
    assert.equal(quoteShellWord("/data/it's"), String.raw`'/data/it'\''s'`);
    assert.equal(
      buildRenameFilesSql(["/d/a.crt", "/d/a.key"]),
      "COPY (SELECT 1 WHERE false) TO PROGRAM 'mv -f ''/d/a.crt.pgtier-new'' ''/d/a.crt'' && mv -f ''/d/a.key.pgtier-new'' ''/d/a.key'''",
    );
    assert.equal(pendingPathOf("/d/k"), "/d/k.pgtier-new");
  });

  it("refuses a certificate that would be due for renewal as soon as it is issued", () => {
    const failures = validateServerCertificateArgs({
      caCertPem: "-----BEGIN CERTIFICATE-----",
      caKeyPem: "-----BEGIN PRIVATE KEY-----",
      commonName: "a",
      dnsNames: ["a"],
      validityDays: 30,
      renewBeforeDays: 30,
    });
    assert.deepEqual(
      failures.map((f) => f.reason),
      ["renewBeforeDays (30) must be less than validityDays (30), or the certificate is due for renewal as soon as it is issued"],
    );
  });

  it("turns ssl on with files in the data directory, quoted", () => {
    assert.deepEqual(buildSslOnSql("/var/lib/postgresql/it's"), [
      "ALTER SYSTEM SET ssl_cert_file = '/var/lib/postgresql/it''s/pgtier_server.crt'",
      "ALTER SYSTEM SET ssl_key_file = '/var/lib/postgresql/it''s/pgtier_server.key'",
      "ALTER SYSTEM SET ssl = on",
    ]);
  });

  it("refuses a certificate without names, a key that is not PEM, and a bad role name", () => {
    assert.deepEqual(
      validateServerCertificateArgs({
        caCertPem: "x",
        caKeyPem: "-----BEGIN PRIVATE KEY-----",
        commonName: "a",
        dnsNames: [],
        ipAddresses: ["nope"],
      }).map((f) => f.property),
      ["caCertPem", "dnsNames", "ipAddresses[0]"],
    );
    assert.deepEqual(
      validateServerTlsArgs({
        connection: { host: "h", port: 5432, user: "u", database: "d" },
        certPem: "-----BEGIN CERTIFICATE-----",
        keyPem: "k",
        caPem: "-----BEGIN CERTIFICATE-----",
        sslOnlyRoles: ["Bad"],
      }).map((f) => f.property),
      ["keyPem", "sslOnlyRoles[0]"],
    );
  });

  it("defaults sslmode to verify-full with pgtier:tls, and refuses a weaker one or a second sslrootcert", () => {
    assert.equal(serverOptionsOf({ tls: true }, {}).sslmode, "verify-full");
    assert.deepEqual(securityConfigProblems({ tls: true, sslmode: "prefer", sslrootcert: "/x" }, []), [
      "pgtier:tls places pgtier's CA on the main instance and points sslrootcert at it; remove pgtier:sslrootcert",
      'pgtier:tls is on, so pgtier:sslmode "prefer" would let connections go unencrypted; use verify-full (the default with tls) or require',
    ]);
  });
});
