/** Validators for certificates and an instance's TLS. */
import { isIP } from "node:net";
import { CheckFailure, checkConnection, checkIdentifier, checkPasswordCharacters, checkPort, checkString, isUnknown } from "./common";

/** Checks a whole number of days within bounds. */
function checkDays(property: string, value: unknown, min: number, max: number, failures: CheckFailure[]): void {
  if (value !== undefined && !isUnknown(value) && !(Number.isInteger(value) && Number(value) >= min && Number(value) <= max)) {
    failures.push({ property, reason: `${property} must be a whole number of days from ${min} to ${max}, got ${JSON.stringify(value)}` });
  }
}

/** Checks a PEM block of the given label. */
function checkPem(property: string, value: unknown, label: RegExp, failures: CheckFailure[]): void {
  if (isUnknown(value)) {
    return;
  }
  if (typeof value !== "string" || !label.test(value)) {
    failures.push({
      property,
      reason: `${property} must be a PEM ${label.source.replace(/\\/g, "")} (pass the output of the resource that made it)`,
    });
  }
}

/** Validates `CertificateAuthority` inputs. */
export function validateAuthorityArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkString("commonName", news.commonName, failures);
  checkDays("validityDays", news.validityDays, 1, 36500, failures);
  checkDays("renewBeforeDays", news.renewBeforeDays, 0, 36500, failures);
  checkRenewal(news, 3650, 90, failures);
  return failures;
}

/** A certificate renewed before it is issued would be renewed at every preview. */
function checkRenewal(news: Record<string, unknown>, validity: number, renewBefore: number, failures: CheckFailure[]): void {
  const v = news.validityDays ?? validity;
  const r = news.renewBeforeDays ?? renewBefore;
  if (typeof v === "number" && typeof r === "number" && v <= r) {
    failures.push({
      property: "renewBeforeDays",
      reason: `renewBeforeDays (${r}) must be less than validityDays (${v}), or the certificate is due for renewal as soon as it is issued`,
    });
  }
}

/** Validates `ServerCertificate` inputs. */
export function validateServerCertificateArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkPem("caCertPem", news.caCertPem, /-----BEGIN CERTIFICATE-----/, failures);
  checkPem("caKeyPem", news.caKeyPem, /-----BEGIN PRIVATE KEY-----/, failures);
  checkString("commonName", news.commonName, failures);
  checkDays("validityDays", news.validityDays, 1, 3650, failures);
  checkDays("renewBeforeDays", news.renewBeforeDays, 0, 3650, failures);
  checkRenewal(news, 365, 30, failures);
  const names = news.dnsNames;
  if (!isUnknown(names) && (!Array.isArray(names) || names.length === 0)) {
    failures.push({
      property: "dnsNames",
      reason: "dnsNames must list the host names clients reach the server at, e.g. the container's name",
    });
  }
  if (Array.isArray(news.ipAddresses)) {
    news.ipAddresses.forEach((ip, i) => {
      if (!isUnknown(ip) && !(typeof ip === "string" && isIP(ip) !== 0)) {
        failures.push({ property: `ipAddresses[${i}]`, reason: `ipAddresses[${i}] must be an IP address, got ${JSON.stringify(ip)}` });
      }
    });
  }
  return failures;
}

/** Validates `ServerTls` inputs. */
export function validateServerTlsArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  checkPem("certPem", news.certPem, /-----BEGIN CERTIFICATE-----/, failures);
  checkPem("keyPem", news.keyPem, /-----BEGIN PRIVATE KEY-----/, failures);
  checkPem("caPem", news.caPem, /-----BEGIN CERTIFICATE-----/, failures);
  const roles = news.sslOnlyRoles;
  if (roles !== undefined && !isUnknown(roles)) {
    if (!Array.isArray(roles)) {
      failures.push({ property: "sslOnlyRoles", reason: "sslOnlyRoles must be a list of role names" });
    } else {
      roles.forEach((r, i) => checkIdentifier(`sslOnlyRoles[${i}]`, r, failures));
    }
  }
  return failures;
}

/** Validates `PasswordFile` inputs. */
export function validatePasswordFileArgs(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  checkConnection(news.connection, failures);
  if (
    news.fileName !== undefined &&
    !isUnknown(news.fileName) &&
    !(typeof news.fileName === "string" && /^[A-Za-z0-9._-]+$/.test(news.fileName))
  ) {
    failures.push({
      property: "fileName",
      reason: `fileName must be a plain file name (letters, digits, . _ -), got ${JSON.stringify(news.fileName)}`,
    });
  }
  const entries = news.entries;
  if (isUnknown(entries)) {
    return failures;
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    failures.push({ property: "entries", reason: "entries must list at least one {host, port, database, user, password}" });
    return failures;
  }
  entries.forEach((e, i) => {
    const where = `entries[${i}]`;
    if (typeof e !== "object" || e === null) {
      failures.push({ property: where, reason: `${where} must be {host, port, database, user, password}` });
      return;
    }
    const entry = e as Record<string, unknown>;
    for (const key of ["host", "database", "user", "password"]) {
      checkString(`${where}.${key}`, entry[key], failures);
      checkPasswordCharacters(`${where}.${key}`, entry[key], failures);
    }
    checkPort(`${where}.port`, entry.port, failures);
  });
  return failures;
}
