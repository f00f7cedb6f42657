package io.anglespark.jobs.common;

import org.slf4j.Logger;

/**
 * What a job does with an input that yields no rows (an empty file, a header without rows, a filter that leaves
 * nothing): almost always a wrong path or a broken export, so by default the run fails naming the input; {@code warn}
 * accepts it with a warning, for pipelines where an empty input is normal. Each job reads it from its
 * {@code <job>.empty-input} key.
 */
public enum EmptyInput {
    FAIL,
    WARN;

    /**
     * Applies the setting to an input that yielded {@code rows} rows; nothing happens when there are rows.
     *
     * @param input how the input is named in a message, e.g. {@code input 'stsb-dev' (../shared/data/sts-dev.csv)}
     * @param key   the setting's full config key, named in the message
     * @throws HadoopFs.InputException under {@link #FAIL}, naming the input and the key
     */
    public void check(String input, long rows, String key, Logger log) {
        if (rows > 0) {
            return;
        }
        if (this == FAIL) {
            throw new HadoopFs.InputException(input + " yields no rows; check the path, or set " + key + " = warn to accept an empty input");
        }
        log.warn("{} yields no rows ({} = warn)", input, key);
    }
}
