/**
 * Every resource type pgtier's provider serves. The dispatch table, the diff
 * rules by type and the type tokens all derive from this one list of
 * definitions.
 */
import { DiffSpec } from "../diff/diff";
import { archiveTable } from "./definitions/archive-table";
import { database } from "./definitions/database";
import { dockerNetwork, dockerVolume } from "./definitions/docker-objects";
import { extension } from "./definitions/extension";
import { foreignPartition } from "./definitions/foreign-partition";
import { foreignServer } from "./definitions/foreign-server";
import { certificateAuthority, serverCertificate } from "./definitions/certificates";
import { grant } from "./definitions/grant";
import { localPartition } from "./definitions/local-partition";
import { partitionedTable } from "./definitions/partitioned-table";
import { monitoringViews } from "./definitions/monitoring-views";
import { passwordFile } from "./definitions/password-file";
import { postgresInstance } from "./definitions/postgres-instance";
import { role } from "./definitions/role";
import { serverTls } from "./definitions/server-tls";
import { tieredPartition } from "./definitions/tiered-partition";
import { userMapping } from "./definitions/user-mapping";
import { defineResource, ResourceType } from "./resource-type";
import { typeToken } from "./token";

/** The resource types, in the order the guide introduces them. */
export const resourceTypes: readonly ResourceType[] = [
  defineResource(dockerNetwork),
  defineResource(dockerVolume),
  defineResource(postgresInstance),
  defineResource(database),
  defineResource(extension),
  defineResource(foreignServer),
  defineResource(userMapping),
  defineResource(partitionedTable),
  defineResource(localPartition),
  defineResource(archiveTable),
  defineResource(foreignPartition),
  defineResource(tieredPartition),
  defineResource(role),
  defineResource(grant),
  defineResource(certificateAuthority),
  defineResource(serverCertificate),
  defineResource(serverTls),
  defineResource(passwordFile),
  defineResource(monitoringViews),
];

/** Resource types by name (the last part of the type token). */
export const resourceTypesByName: ReadonlyMap<string, ResourceType> = new Map(resourceTypes.map((t) => [t.name, t]));

/** Diff rules by resource name: which inputs update in place, which replace. */
export const diffRules: Readonly<Record<string, DiffSpec>> = Object.fromEntries(resourceTypes.map((t) => [t.name, t.diffRules]));

/** Every type token the provider serves, e.g. `pgtier:index:ForeignServer`. */
export const typeTokens: readonly string[] = resourceTypes.map((t) => typeToken(t.name));
