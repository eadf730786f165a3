/**
 * UserMapping: the credentials postgres_fdw uses for one local role on one
 * server. Creating or changing it tests them: a mapping that cannot reach the
 * archive is refused and rolled back, with the reason.
 */
import { Client } from "pg";
import { runStatement, runThenProbe, withClient, withDetail } from "../../db/client";
import { diffSpecs } from "../../diff/specs";
import { parseOptions, userMappingSql } from "../../sql/catalog";
import { buildAlterUserMappingSql, buildCreateUserMappingSql, buildDropUserMappingSql, buildProbeSql } from "../../sql/fdw";
import { validateUserMappingArgs } from "../../validate/fdw";
import { Props, ResourceHandler } from "../handler";
import { connectionOf, firstRow } from "./common";

/** The local role: the given one, or the role pgtier connects as. */
function localUserOf(props: Props): string {
  return (props.localUser as string | undefined) ?? connectionOf(props).user;
}

function mappingOptions(props: Props): Record<string, string> {
  return { user: props.remoteUser as string, password: props.password as string };
}

/** Runs `statements`, then a connection through the server, in one transaction. */
function applyAndProbe(label: string, client: Client, props: Props, statements: string[]): Promise<void> {
  const server = props.server as string;
  return runThenProbe(
    label,
    client,
    statements,
    buildProbeSql(server),
    (e) =>
      `postgres_fdw could not use server ${JSON.stringify(server)} as ${JSON.stringify(props.remoteUser)}: ${withDetail(e)} — check the ForeignServer host/port (as the main instance sees them, e.g. the archive container's name on the shared network) and this mapping's remoteUser/password`,
  );
}

export const userMapping: ResourceHandler = {
  spec: diffSpecs.UserMapping,
  validate: (news) => validateUserMappingArgs(news),
  idFor: (inputs) => `${localUserOf(inputs)}@${inputs.server}`,

  async create(label, inputs) {
    const sql = buildCreateUserMappingSql(localUserOf(inputs), inputs.server as string, mappingOptions(inputs));
    await withClient(label, connectionOf(inputs), (client) => applyAndProbe(label, client, inputs, [sql]));
    return { id: `${localUserOf(inputs)}@${inputs.server}`, outs: inputs };
  },

  async read(label, id, props) {
    const role = localUserOf(props) === "PUBLIC" ? "public" : localUserOf(props);
    const row = await withClient(label, connectionOf(props), (client) =>
      firstRow<{ options: string[] | null }>(client, userMappingSql, [props.server, role]),
    );
    if (!row) {
      return undefined;
    }
    const options = parseOptions(row.options);
    return { id, props: { ...props, remoteUser: options.user, password: options.password ?? props.password } };
  },

  async update(label, _id, olds, news) {
    const sql = buildAlterUserMappingSql(localUserOf(news), news.server as string, mappingOptions(olds), mappingOptions(news));
    await withClient(label, connectionOf(news), (client) => applyAndProbe(label, client, news, sql ? [sql] : []));
    return news;
  },

  async delete(label, _id, props) {
    await withClient(label, connectionOf(props), (client) =>
      runStatement(label, client, buildDropUserMappingSql(localUserOf(props), props.server as string)),
    );
  },
};
