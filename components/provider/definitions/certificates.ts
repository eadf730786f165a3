/**
 * CertificateAuthority and ServerCertificate: keys and certificates kept
 * in the state (private keys as secrets), made by the provider with no
 * outside object. A certificate due for renewal shows at preview as
 * `~ notAfter` and the update issues a new one; so does any change of
 * what it is for.
 */
import { Reader } from "../../model/reader";
import { createAuthority, dueForRenewal, issueServerCertificate, KeyAndCertificate } from "../../tls/certificates";
import { validateAuthorityArgs, validateServerCertificateArgs } from "../../validate/tls";
import { ResourceDefinition } from "../definition";

/** A CA's inputs. */
export interface AuthorityInputs {
  readonly commonName: string;
  readonly validityDays: number;
  readonly renewBeforeDays: number;
}

/** A server certificate's inputs. */
export interface ServerCertificateInputs {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly validityDays: number;
  readonly renewBeforeDays: number;
}

/** What both record: the certificate, its key, and when it expires. */
export type CertificateOutputs = Partial<KeyAndCertificate>;

function readOutputs(r: Reader): CertificateOutputs {
  return { certPem: r.optionalText("certPem"), keyPem: r.optionalText("keyPem"), notAfter: r.optionalText("notAfter") };
}

/** Renewal is due: shown as a change of notAfter, for the update to renew. */
async function renewal(state: { renewBeforeDays: number } & CertificateOutputs): Promise<readonly string[]> {
  return dueForRenewal(state.notAfter, state.renewBeforeDays) ? ["notAfter"] : [];
}

export const certificateAuthority: ResourceDefinition<AuthorityInputs, CertificateOutputs> = {
  name: "CertificateAuthority",
  defaults: { validityDays: 3650, renewBeforeDays: 90 },
  diff: { update: ["commonName", "validityDays", "renewBeforeDays"], replace: [] },
  validate: (news) => validateAuthorityArgs(news),
  decode: (r) => ({
    commonName: r.text("commonName"),
    validityDays: r.number("validityDays"),
    renewBeforeDays: r.number("renewBeforeDays"),
  }),
  decodeOutputs: readOutputs,
  observe: (_op, _id, state) => renewal(state),

  async create(_op, a) {
    const made = await createAuthority(a.commonName, a.validityDays);
    return { id: `ca:${a.commonName}`, outputs: made };
  },
  // Nothing outside the state: what was made is what there is.
  read: async (_op, _id, a, stored) => ({ ...a, ...stored }),
  update: (_op, _id, _olds, news) => createAuthority(news.commonName, news.validityDays),
  delete: async () => undefined,
};

export const serverCertificate: ResourceDefinition<ServerCertificateInputs, CertificateOutputs> = {
  name: "ServerCertificate",
  defaults: { ipAddresses: [], validityDays: 365, renewBeforeDays: 30 },
  diff: { update: ["caCertPem", "caKeyPem", "commonName", "dnsNames", "ipAddresses", "validityDays", "renewBeforeDays"], replace: [] },
  validate: (news) => validateServerCertificateArgs(news),
  decode: (r) => ({
    caCertPem: r.text("caCertPem"),
    caKeyPem: r.text("caKeyPem"),
    commonName: r.text("commonName"),
    dnsNames: r.textList("dnsNames"),
    ipAddresses: r.textList("ipAddresses"),
    validityDays: r.number("validityDays"),
    renewBeforeDays: r.number("renewBeforeDays"),
  }),
  decodeOutputs: readOutputs,
  observe: (_op, _id, state) => renewal(state),

  async create(_op, c) {
    const made = await issueServerCertificate({ certPem: c.caCertPem, keyPem: c.caKeyPem }, c);
    return { id: `cert:${c.commonName}`, outputs: made };
  },
  read: async (_op, _id, c, stored) => ({ ...c, ...stored }),
  update: (_op, _id, _olds, news) => issueServerCertificate({ certPem: news.caCertPem, keyPem: news.caKeyPem }, news),
  delete: async () => undefined,
};
