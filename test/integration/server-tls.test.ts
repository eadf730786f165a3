import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { Client } from "pg";
import { Connection } from "../../components/model/types";
import { PgtierProvider } from "../../components/provider/provider";
import { connectionOf, execAll, PostgresPair, query, startPair } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest, secret } from "../support/provider";

/** What a TLS session that trusts `caPem` gets: the server certificate's serial, or the error. */
async function tlsLogin(conn: Connection, caPem: string): Promise<string> {
  const client = new Client({ ...conn, ssl: { ca: caPem, checkServerIdentity: () => undefined }, connectionTimeoutMillis: 5000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const socket = (client as unknown as { connection: { stream: { getPeerX509Certificate(): X509Certificate } } }).connection.stream;
    return socket.getPeerX509Certificate().serialNumber;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why a login without TLS fails, or "ok". */
async function plainLogin(conn: Connection): Promise<string> {
  try {
    await query(conn, "SELECT 1");
    return "ok";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("certificates and ServerTls (integration)", () => {
  const provider = new PgtierProvider();
  let pair: PostgresPair;
  let ca: Props;
  const reader = () => ({ ...connectionOf(pair.archive), user: "fdw_reader", password: "reader-Pa55" });

  before(async () => {
    pair = await startPair({ mainPassword: "main-Pa55", archivePassword: "archive-Pa55" });
    await execAll(connectionOf(pair.archive), [
      "CREATE ROLE fdw_reader LOGIN PASSWORD 'reader-Pa55'",
      "CREATE TABLE emp_2024 (id int, name text)",
      "INSERT INTO emp_2024 VALUES (1, 'Alice Johnson')",
      "GRANT SELECT ON emp_2024 TO fdw_reader",
    ]);
    ({ outs: ca } = await new ResourceUnderTest(provider, "CertificateAuthority", "ca").create({ commonName: "pgtier test CA" }));
  });

  after(async () => {
    await pair?.stop();
  });

  /** A certificate for the archive, by the names given. */
  async function certificateFor(name: string, dnsNames: string[]): Promise<Props> {
    const cert = new ResourceUnderTest(provider, "ServerCertificate", name);
    const { outs } = await cert.create({ caCertPem: ca.certPem, caKeyPem: secret(ca.keyPem), commonName: dnsNames[0], dnsNames });
    return outs;
  }

  it("refuses a key that is not the certificate's, leaving ssl off and the FDW role's login as it was", async () => {
    const cert = await certificateFor("mismatched-cert", [pair.archiveAlias]);
    const other = await certificateFor("other-key", [pair.archiveAlias]);
    const bad = new ResourceUnderTest(provider, "ServerTls", "bad-tls");

    // WHEN
    const message = await rejectionOf(
      bad.create({
        connection: connectionOf(pair.archive),
        certPem: cert.certPem,
        keyPem: secret(other.keyPem),
        caPem: ca.certPem,
        sslOnlyRoles: ["fdw_reader"],
      }),
    );

    // THEN
    assert.match(message, /the instance did not accept a TLS session with the new certificate after a reload/);
    assert.doesNotMatch(message, /PRIVATE KEY/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [ssl] = await query<{ ssl: string }>(connectionOf(pair.archive), "SELECT current_setting('ssl') AS ssl");
    assert.equal(ssl.ssl, "off", "ssl is off again, so the next start of the server does not fail on it");
    assert.equal(await plainLogin(reader()), "ok", "pg_hba.conf was not changed: the role still gets in");
  });

  const archiveTls = new ResourceUnderTest(provider, "ServerTls", "archive-tls");
  let tlsId: string;
  let tlsState: Props;
  let firstSerial: string;

  it("turns TLS on in the archive through SQL: a session trusting the CA gets in; the FDW role only over TLS", async () => {
    const cert = await certificateFor("archive-cert", [pair.archiveAlias]);
    assert.equal(await plainLogin(reader()), "ok", "before: the role logs in without TLS");

    // WHEN
    const made = await archiveTls.create({
      connection: connectionOf(pair.archive),
      certPem: cert.certPem,
      keyPem: secret(cert.keyPem),
      caPem: ca.certPem,
      sslOnlyRoles: ["fdw_reader"],
    });
    tlsId = made.id;
    tlsState = { ...made.inputs, ...made.outs };

    // THEN
    firstSerial = await tlsLogin(connectionOf(pair.archive), String(ca.certPem));
    assert.equal(firstSerial, new X509Certificate(String(cert.certPem)).serialNumber);
    assert.match(await plainLogin(reader()), /pg_hba\.conf rejects connection .* user "fdw_reader".*no encryption/);
    assert.equal(await tlsLogin(reader(), String(ca.certPem)), firstSerial, "the FDW role gets in over TLS");
    assert.equal(await plainLogin(connectionOf(pair.archive)), "ok", "the admin still logs in from the runner without TLS");
  });

  it("postgres_fdw connects with sslmode verify-full and the CA placed on the main instance; a certificate for another name is refused", async () => {
    const mainTls = new ResourceUnderTest(provider, "ServerTls", "main-tls");
    const mainCert = await certificateFor("main-cert", ["main"]);
    const { outs } = await mainTls.create({
      connection: connectionOf(pair.main),
      certPem: mainCert.certPem,
      keyPem: secret(mainCert.keyPem),
      caPem: ca.certPem,
    });
    const caFile = String(outs.caFile);
    assert.match(caFile, /\/pgtier_ca\.crt$/);
    const main = connectionOf(pair.main);
    await execAll(main, [
      "CREATE EXTENSION postgres_fdw",
      `CREATE SERVER archive_server FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '${pair.archiveAlias}', port '5432', dbname 'archive_db', sslmode 'verify-full', sslrootcert '${caFile}')`,
    ]);
    const mapping = new ResourceUnderTest(provider, "UserMapping", "archive-mapping");

    // WHEN
    await mapping.create({ connection: main, server: "archive_server", remoteUser: "fdw_reader", password: secret("reader-Pa55") });
    await execAll(main, ["CREATE FOREIGN TABLE emp_2024 (id int, name text) SERVER archive_server"]);

    // THEN: the FDW session on the archive is encrypted and logged in as the reader
    const client = new Client(main);
    await client.connect();
    try {
      assert.deepEqual((await client.query("SELECT name FROM emp_2024")).rows, [{ name: "Alice Johnson" }]);
      const sessions = await query(
        connectionOf(pair.archive),
        "SELECT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'postgres_fdw'",
      );
      assert.deepEqual(sessions, [{ usename: "fdw_reader", ssl: true }]);
    } finally {
      await client.end();
    }
    // A certificate that does not name the host the main instance uses is refused by verify-full.
    const otherCert = await certificateFor("other-cert", ["somewhere-else"]);
    await archiveTls.update(tlsId, tlsState, { ...tlsState, certPem: otherCert.certPem, keyPem: secret(otherCert.keyPem) });
    const message = await rejectionOf(
      new ResourceUnderTest(provider, "UserMapping", "again").create({
        connection: main,
        server: "archive_server",
        localUser: "PUBLIC",
        remoteUser: "fdw_reader",
        password: secret("reader-Pa55"),
      }),
    );
    assert.match(message, /server certificate for "somewhere-else" does not match host name "archive"/);
  });

  it("renews in place: a new certificate is served after the update, without a restart", async () => {
    const renewed = await certificateFor("archive-cert-2", [pair.archiveAlias]);
    const [before] = await query<{ t: Date }>(connectionOf(pair.archive), "SELECT pg_postmaster_start_time() AS t");

    // WHEN
    await archiveTls.update(tlsId, tlsState, { ...tlsState, certPem: renewed.certPem, keyPem: secret(renewed.keyPem) });

    // THEN
    const serial = await tlsLogin(connectionOf(pair.archive), String(ca.certPem));
    assert.equal(serial, new X509Certificate(String(renewed.certPem)).serialNumber);
    assert.notEqual(serial, firstSerial);
    const [after] = await query<{ t: Date }>(connectionOf(pair.archive), "SELECT pg_postmaster_start_time() AS t");
    assert.deepEqual(after.t, before.t, "no restart");
    tlsState = { ...tlsState, certPem: renewed.certPem, keyPem: renewed.keyPem };
  });

  it("sees ssl turned off by hand on refresh, and its delete lets the role in without TLS again", async () => {
    await execAll(connectionOf(pair.archive), ["ALTER SYSTEM SET ssl = off", "SELECT pg_reload_conf()"]);
    await new Promise((resolve) => setTimeout(resolve, 500));

    // WHEN
    const found = await archiveTls.read(tlsId, tlsState);

    // THEN
    assert.equal(found?.props.certPem, "", "the certificate is not in use: drift");
    assert.deepEqual(found?.props.sslOnlyRoles, ["fdw_reader"]);
    await archiveTls.delete(tlsId, tlsState);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await plainLogin(reader()), "ok");
  });

  it("renews a certificate due for renewal: the diff shows notAfter", async () => {
    const cert = new ResourceUnderTest(provider, "ServerCertificate", "short");
    const made = await cert.create({
      caCertPem: ca.certPem,
      caKeyPem: secret(ca.keyPem),
      commonName: "short",
      dnsNames: ["short"],
      validityDays: 60,
    });
    const state = { ...made.inputs, ...made.outs };
    assert.deepEqual((await provider.detailedDiff(cert.urn, made.id, state, made.inputs)).changed, [], "60 days left: not due");
    // Time passes: 20 days left, renewed 30 days ahead.
    const later = { ...state, notAfter: new Date(Date.now() + 20 * 86_400_000).toISOString() };
    assert.deepEqual((await provider.detailedDiff(cert.urn, made.id, later, made.inputs)).changed, ["notAfter"]);
    const renewed = await cert.update(made.id, later, made.inputs);
    assert.ok(Date.parse(String(renewed.notAfter)) > Date.now() + 59 * 86_400_000, "a new certificate, valid 60 days");
    assert.notEqual(renewed.certPem, made.outs.certPem);
  });
});
