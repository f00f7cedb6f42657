/**
 * What every job shares at the Spark edge: command-line options, typed HOCON configuration that fails
 * naming the key and value, Hadoop FileSystem helpers, the {@code _run.json} manifest, secret
 * redaction, driver-side progress logging, and the Spark plugin with which every executor chooses its ND4J
 * native build for its own CPU.
 */
package io.anglespark.jobs.common;
