package io.anglespark.model.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Learning rate with linear warm-up and linear decay to 0, by parameter update (DL4J's iteration count, 0-based):
 * {@code peak * (t + 1) / warmup} for {@code t < warmup}, then {@code peak * (total - t) / (total - warmup)}, never
 * below 0. Hugging Face's {@code get_linear_schedule_with_warmup} (the authors' trainer) uses {@code t / warmup},
 * whose first update has learning rate 0; here the first update already moves. Serialised with the graph
 * configuration (shaded Jackson), so a checkpoint resumes on the same schedule.
 */
public final class WarmupLinearSchedule implements ISchedule {
    @JsonProperty
    private final double peak;
    @JsonProperty
    private final int warmup;
    @JsonProperty
    private final int total;

    public WarmupLinearSchedule(@JsonProperty("peak") double peak, @JsonProperty("warmup") int warmup, @JsonProperty("total") int total) {
        if (!(peak > 0) || warmup < 0 || total < 1 || warmup > total) {
            throw new IllegalArgumentException("need peak > 0 and 0 <= warmup <= total, total >= 1; got peak " + peak + ", warmup " + warmup
                    + ", total " + total);
        }
        this.peak = peak;
        this.warmup = warmup;
        this.total = total;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return peak * (iteration + 1) / warmup;
        }
        if (total == warmup) {
            return peak;
        }
        return peak * Math.max(0.0, (double) (total - iteration) / (total - warmup));
    }

    @Override
    public ISchedule clone() {
        return new WarmupLinearSchedule(peak, warmup, total);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupLinearSchedule s && s.peak == peak && s.warmup == warmup && s.total == total;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peak, warmup, total);
    }

    @Override
    public String toString() {
        return "WarmupLinearSchedule(peak " + peak + ", warmup " + warmup + ", total " + total + ")";
    }
}
