import assert from "node:assert/strict";
import { createServer, Server } from "node:net";
import type { StartedTestContainer } from "testcontainers";
import { MANAGED_LABEL } from "../../components/docker/client";
import { PgtierProvider } from "../../components/provider/provider";
import { POSTGRES_IMAGE } from "../support/env";
import {
  docker,
  forceRemoveContainer,
  inspectContainer,
  inspectNetwork,
  inspectVolume,
  removeLeftovers,
  TEST_PREFIX,
} from "../support/docker-objects";
import { connectionOf, query, startPostgres } from "../support/postgres";
import { Props, rejectionOf, ResourceUnderTest, secret, uniqueSuffix } from "../support/provider";
import { Connection } from "../../components/model/types";

/** The connection a user would build from an instance's outputs. */
function endpointConnection(outs: Props, password = outs.password as string): Connection {
  const endpoint = outs.endpoint as { host: string; port: number };
  return { host: endpoint.host, port: endpoint.port, user: outs.user as string, password, database: outs.database as string };
}

/** PostgreSQL's SQLSTATE for a failed login, or undefined when it worked. */
async function loginError(conn: Connection): Promise<string | undefined> {
  try {
    await query(conn, "SELECT 1");
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
}

describe("PostgresInstance (integration)", () => {
  const provider = new PgtierProvider();

  describe("in Docker mode", () => {
    const suffix = uniqueSuffix();
    const networkName = `${TEST_PREFIX}-net-${suffix}`;
    const volumeName = `${TEST_PREFIX}-data-${suffix}`;
    const containerName = `${TEST_PREFIX}-main-${suffix}`;
    const blockedName = `${TEST_PREFIX}-blocked-${suffix}`;
    const network = new ResourceUnderTest(provider, "DockerNetwork", "net");
    const volume = new ResourceUnderTest(provider, "DockerVolume", "main-data");
    const instance = new ResourceUnderTest(provider, "PostgresInstance", "main");
    let networkOuts: Props;
    let volumeOuts: Props;
    let inputs: Props;
    let outs: Props;

    before(async () => {
      networkOuts = (await network.create({ name: networkName })).outs;
      volumeOuts = (await volume.create({ name: volumeName })).outs;
      inputs = {
        image: POSTGRES_IMAGE,
        containerName,
        network: networkName,
        volume: volumeName,
        hostPort: 0,
        user: "postgres",
        password: secret("first-Pa55"),
        database: "appdb",
      };
    });

    after(async () => {
      await removeLeftovers({ containers: [containerName, blockedName], volumes: [volumeName], networks: [networkName] });
    });

    it("creates a container that accepts connections as soon as create returns, published on 127.0.0.1 only", async () => {
      // WHEN
      const created = await instance.create(inputs);
      outs = created.outs;

      // THEN: usable right away, with the endpoint from the outputs
      assert.equal(created.id, containerName);
      assert.deepEqual(await query(endpointConnection(outs), "SELECT current_user AS u, current_database() AS db"), [
        { u: "postgres", db: "appdb" },
      ]);
      assert.equal((outs.endpoint as { host: string }).host, "127.0.0.1");
      assert.deepEqual(outs.internalEndpoint, { host: containerName, port: 5432 });

      const info = await inspectContainer(containerName);
      assert.ok(info, "the container exists");
      assert.equal(info.State.Running, true);
      assert.equal(info.Config.Labels[MANAGED_LABEL], "true");
      const bindings = info.NetworkSettings.Ports["5432/tcp"];
      assert.ok(bindings && bindings.length > 0, "5432 is published");
      assert.deepEqual(
        bindings.map((b) => b.HostIp),
        bindings.map(() => "127.0.0.1"),
        "published on the loopback address only",
      );
      assert.equal(Number(bindings[0].HostPort), (outs.endpoint as { port: number }).port);
      assert.notEqual(Number(bindings[0].HostPort), 0, "hostPort 0 lets Docker pick a free port");
      assert.ok(info.NetworkSettings.Networks[networkName]?.Aliases?.includes(containerName), "reachable by container name on the network");
      const mount = info.Mounts.find((m) => m.Destination === "/var/lib/postgresql/data");
      assert.equal(mount?.Type, "volume");
      assert.equal(mount?.Name, volumeName);
    });

    it("reads the running container back", async () => {
      const found = await instance.read(containerName, outs);
      assert.ok(found);
      assert.equal(found.id, containerName);
      assert.equal(found.props.running, true);
      assert.equal(found.props.image, POSTGRES_IMAGE);
      assert.deepEqual(found.props.endpoint, outs.endpoint);
    });

    it("a container that cannot start (its host port is taken) is removed: nothing half-created", async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const takenPort = (blocker.address() as { port: number }).port;
      try {
        const blocked = new ResourceUnderTest(provider, "PostgresInstance", "blocked");
        const message = await rejectionOf(blocked.create({ ...inputs, containerName: blockedName, hostPort: takenPort }));
        assert.equal(
          message,
          `PostgresInstance "blocked": container ${blockedName} cannot publish PostgreSQL on 127.0.0.1:${takenPort}: another process holds that port; free it, or give the instance another hostPort (pgtier:mainPort / the archive's port)`,
        );
        assert.equal(await inspectContainer(blockedName), undefined);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });

    it("changes the password in place: the old one stops working, the new one works", async () => {
      const news = { ...inputs, password: secret("second-Pa55") };
      const diff = await instance.diff(containerName, outs, news);
      assert.equal(diff.changes, true);
      assert.deepEqual(diff.replaces, [], "a password change is not a replace");

      const containerId = (await inspectContainer(containerName))?.Id;

      // WHEN
      const updated = await instance.update(containerName, outs, news);

      // THEN
      assert.equal(updated.password, "second-Pa55");
      assert.deepEqual(updated.endpoint, outs.endpoint, "same container, same port");
      assert.equal(await loginError(endpointConnection(updated, "first-Pa55")), "28P01", "the old password is refused");
      assert.equal(await loginError(endpointConnection(updated)), undefined, "the new password works");
      assert.equal((await inspectContainer(containerName))?.Id, containerId, "the same container, not a new one");
      const found = await instance.read(containerName, updated);
      assert.equal(found?.props.running, true);
      outs = updated;
      inputs = news;
    });

    it("keeps the port it picked across a docker restart: the state stays right, and a diff sees nothing", async () => {
      // GIVEN: hostPort 0, the default: a free port was picked when the container was created
      const port = (outs.endpoint as { port: number }).port;

      // WHEN
      await docker.getContainer(containerName).restart();

      // THEN: published on the same port again, so the diff (which only asks Docker) sees nothing
      assert.equal(Number((await inspectContainer(containerName))?.NetworkSettings.Ports["5432/tcp"]?.[0].HostPort), port);
      assert.deepEqual(await instance.diff(containerName, outs, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
      // and an operation that logs in waits while PostgreSQL starts up again
      assert.deepEqual((await instance.update(containerName, outs, inputs)).endpoint, outs.endpoint);
      assert.equal(await loginError(endpointConnection(outs)), undefined);
    });

    it("a container removed by hand: the diff shows it without a refresh, and the update creates it again, data and port kept", async () => {
      await query(endpointConnection(outs), "CREATE TABLE survived (x int); INSERT INTO survived VALUES (7)");
      await forceRemoveContainer(containerName);

      // WHEN
      const diff = await provider.detailedDiff(instance.urn, containerName, outs, inputs);
      const updated = await instance.update(containerName, outs, inputs);

      // THEN
      assert.deepEqual(diff.details, [{ path: "running", kind: "update", replace: false }]);
      assert.deepEqual(diff.replaces, [], "an update, not a replace");
      assert.deepEqual(updated.endpoint, outs.endpoint, "the same port");
      assert.deepEqual(await query(endpointConnection(updated), "SELECT x FROM survived"), [{ x: 7 }], "the volume's data is back");
      assert.equal((await instance.diff(containerName, updated, inputs)).changes, false);
      outs = updated;
    });

    it("a stopped container: the diff fails, naming it and the fix, and passes once it is started", async () => {
      await docker.getContainer(containerName).stop();
      try {
        const message = await rejectionOf(instance.diff(containerName, outs, inputs));
        assert.equal(
          message,
          `PostgresInstance "main": container ${containerName} is not running (exited); start it (docker start ${containerName}), then run pulumi again — nothing was changed`,
        );
      } finally {
        await docker.getContainer(containerName).start();
      }
      assert.equal((await instance.diff(containerName, outs, inputs)).changes, false);
    });

    it("a database resource reaches the container by its name, whatever port its state holds", async () => {
      const db = new ResourceUnderTest(provider, "Database", "reached");
      const stale = { ...endpointConnection(outs), port: 1, container: containerName };
      const { id } = await db.create({ connection: stale, name: "reached_db" });
      assert.equal(id, "reached_db");
      await db.delete(id, { connection: stale, name: "reached_db" });
    });

    it("delete removes the container, but the volume and its data stay", async () => {
      await query(endpointConnection(outs), "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");

      // WHEN
      await instance.delete(containerName, outs);

      // THEN
      assert.equal(await inspectContainer(containerName), undefined, "the container is gone");
      assert.ok(await inspectVolume(volumeName), "the volume stays");

      // A new container on the same volume finds the data (and the changed password, kept in the data directory).
      const again = await instance.create(inputs);
      outs = again.outs;
      assert.deepEqual(await query(endpointConnection(outs), "SELECT x FROM kept"), [{ x: 42 }]);
    });

    it("reads a container removed with docker rm -f as gone, and delete then succeeds", async () => {
      await forceRemoveContainer(containerName);

      assert.equal(await instance.read(containerName, outs), undefined);
      await instance.delete(containerName, outs);
      assert.equal(await inspectContainer(containerName), undefined);
      assert.ok(await inspectVolume(volumeName), "removing the container never removes the volume");
    });

    it("DockerVolume and DockerNetwork delete remove them once no container uses them", async () => {
      await volume.delete(volumeName, volumeOuts);
      assert.equal(await inspectVolume(volumeName), undefined);
      await network.delete(networkName, networkOuts);
      assert.equal(await inspectNetwork(networkName), undefined);
    });
  });

  describe("for an existing server", () => {
    let pg: StartedTestContainer;
    const instance = new ResourceUnderTest(provider, "PostgresInstance", "existing");

    before(async () => {
      pg = await startPostgres({ password: "existing-Pa55" });
    });

    after(async () => {
      await pg?.stop();
    });

    function existingInputs(password: string): Props {
      const c = connectionOf(pg);
      return { host: c.host, port: c.port, user: c.user, password, database: c.database };
    }

    it("create verifies the connection; read, update and delete leave the server alone", async () => {
      const c = connectionOf(pg);

      // WHEN
      const { id, outs, inputs } = await instance.create(existingInputs("existing-Pa55"));

      // THEN
      assert.equal(id, `${c.host}:${c.port}`);
      assert.deepEqual(outs.endpoint, { host: c.host, port: c.port });
      assert.deepEqual(outs.internalEndpoint, { host: c.host, port: c.port });
      assert.deepEqual(await query(endpointConnection(outs), "SELECT 1 AS one"), [{ one: 1 }]);

      assert.deepEqual(await instance.read(id, outs), { id, props: outs });
      assert.equal((await instance.diff(id, outs, inputs)).changes, false);
      const updated = await instance.update(id, outs, inputs);
      assert.deepEqual(updated.endpoint, outs.endpoint);
      assert.deepEqual(await instance.read(id, updated), { id, props: updated });

      await instance.delete(id, updated);
      assert.equal(await loginError(c), undefined, "an existing server is not pgtier's to remove");
    });

    it("a wrong password fails create with PostgreSQL's reason and the resource's name", async () => {
      const message = await rejectionOf(instance.create(existingInputs("wrong-password")));
      assert.match(message, /^PostgresInstance "existing": could not connect to .*password authentication failed for user "postgres"/);
    });
  });
});
