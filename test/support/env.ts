/**
 * Environment the integration tests need before testcontainers loads: there is
 * no registry here, so Ryuk (the reaper, itself an image to pull) is off and
 * every test removes what it started in its `after` hooks instead.
 */
if (process.env.TESTCONTAINERS_RYUK_DISABLED === undefined) {
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
}

/** Image the tests run; a locally built image, never pulled. */
export const POSTGRES_IMAGE = process.env.PGTIER_IMAGE ?? "pgtier/postgres:15";
