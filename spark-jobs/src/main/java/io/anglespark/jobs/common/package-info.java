/**
 * What every job shares at the Spark edge: command-line options, typed HOCON configuration that fails
 * naming the key and value, Hadoop FileSystem helpers, the {@code _run.json} manifest, secret
 * redaction and driver-side progress logging.
 */
package io.anglespark.jobs.common;
