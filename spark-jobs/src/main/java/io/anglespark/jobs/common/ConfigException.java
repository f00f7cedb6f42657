package io.anglespark.jobs.common;

/** A configuration value is missing, unknown or invalid. The message names the key and the value. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
