import assert from "node:assert/strict";
import { MANAGED_LABEL } from "../../components/docker/client";
import { PgtierProvider } from "../../components/provider/provider";
import { docker, inspectNetwork, removeLeftovers, TEST_PREFIX } from "../support/docker-objects";
import { rejectionOf, ResourceUnderTest, uniqueSuffix } from "../support/provider";

describe("DockerNetwork (integration)", () => {
  const suffix = uniqueSuffix();
  const name = `${TEST_PREFIX}-net-${suffix}`;
  const foreign = `${TEST_PREFIX}-net-foreign-${suffix}`;
  const network = new ResourceUnderTest(new PgtierProvider(), "DockerNetwork", "net");

  after(async () => {
    await removeLeftovers({ networks: [name, foreign] });
  });

  it("creates a labelled bridge network, reads it, keeps it on a no-op update, and deletes it", async () => {
    // WHEN
    const { id, outs, inputs } = await network.create({ name });

    // THEN
    assert.equal(id, name);
    const info = await inspectNetwork(name);
    assert.ok(info, "the network exists");
    assert.equal(info.Driver, "bridge");
    assert.equal(info.Labels?.[MANAGED_LABEL], "true");
    assert.equal(outs.networkId, info.Id);

    const found = await network.read(id, outs);
    assert.deepEqual(found, { id: name, props: { name, networkId: info.Id } });

    assert.equal((await network.diff(id, outs, inputs)).changes, false);
    const updated = await network.update(id, outs, inputs);
    assert.equal(updated.name, name);
    assert.equal((await network.read(id, { ...outs, ...updated }))?.props.networkId, info.Id, "same network after update");

    await network.delete(id, outs);
    assert.equal(await inspectNetwork(name), undefined);
    assert.equal(await network.read(id, outs), undefined, "read of a removed network finds nothing");
  });

  it("a rename is a replace, deleting the old network first", async () => {
    const diff = await network.diff(name, { name, networkId: "x" }, { name: `${name}-2` });
    assert.deepEqual(diff, { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });

  it("adopts a network it created earlier instead of failing", async () => {
    const first = await network.create({ name });
    const again = await network.create({ name });
    assert.equal(again.outs.networkId, first.outs.networkId);
    await network.delete(name, first.outs);
    assert.equal(await inspectNetwork(name), undefined);
  });

  it("refuses a network of that name it did not create, and leaves it alone", async () => {
    await docker.createNetwork({ Name: foreign, Driver: "bridge" });
    const message = await rejectionOf(network.create({ name: foreign }));
    assert.match(
      message,
      new RegExp(`^DockerNetwork "net": a Docker network named "${foreign}" already exists and was not created by pgtier`),
    );
    const info = await inspectNetwork(foreign);
    assert.ok(info, "the foreign network is still there");
    assert.equal(info.Labels?.[MANAGED_LABEL], undefined);
  });
});
