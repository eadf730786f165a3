import assert from "node:assert/strict";
import { MANAGED_LABEL } from "../../components/docker/client";
import { PgtierProvider } from "../../components/provider/provider";
import { docker, inspectVolume, removeLeftovers, TEST_PREFIX } from "../support/docker-objects";
import { rejectionOf, ResourceUnderTest, uniqueSuffix } from "../support/provider";

describe("DockerVolume (integration)", () => {
  const suffix = uniqueSuffix();
  const name = `${TEST_PREFIX}-vol-${suffix}`;
  const foreign = `${TEST_PREFIX}-vol-foreign-${suffix}`;
  const volume = new ResourceUnderTest(new PgtierProvider(), "DockerVolume", "data");

  after(async () => {
    await removeLeftovers({ volumes: [name, foreign] });
  });

  it("creates a labelled volume, reads it, keeps it on a no-op update, and deletes it", async () => {
    // WHEN
    const { id, outs, inputs } = await volume.create({ name });

    // THEN
    assert.equal(id, name);
    const info = await inspectVolume(name);
    assert.ok(info, "the volume exists");
    assert.equal(info.Labels?.[MANAGED_LABEL], "true");
    assert.equal(outs.mountpoint, info.Mountpoint);

    assert.deepEqual(await volume.read(id, outs), { id: name, props: { name, mountpoint: info.Mountpoint } });

    assert.equal((await volume.diff(id, outs, inputs)).changes, false);
    const updated = await volume.update(id, outs, inputs);
    assert.equal(updated.name, name);
    assert.equal((await volume.read(id, { ...outs, ...updated }))?.props.mountpoint, info.Mountpoint);

    await volume.delete(id, outs);
    assert.equal(await inspectVolume(name), undefined);
    assert.equal(await volume.read(id, outs), undefined, "read of a removed volume finds nothing");
  });

  it("a rename is a replace, deleting the old volume first", async () => {
    const diff = await volume.diff(name, { name }, { name: `${name}-2` });
    assert.deepEqual(diff, { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });

  it("refuses a volume of that name it did not create, and leaves it alone", async () => {
    await docker.createVolume({ Name: foreign });
    const message = await rejectionOf(volume.create({ name: foreign }));
    assert.match(
      message,
      new RegExp(`^DockerVolume "data": a Docker volume named "${foreign}" already exists and was not created by pgtier`),
    );
    assert.ok(await inspectVolume(foreign), "the foreign volume is still there");
  });

  it("check refuses a name Docker would refuse", async () => {
    const result = await volume.provider.check(volume.urn, {}, { name: "-bad name" });
    assert.equal(result.failures?.length, 1);
    assert.equal(result.failures?.[0].property, "name");
  });
});
