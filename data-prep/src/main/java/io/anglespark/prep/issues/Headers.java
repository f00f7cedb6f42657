package io.anglespark.prep.issues;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Header handling shared by the CSV mappings. */
final class Headers {
    private Headers() {
    }

    /** The header's names, the first without a leading byte-order mark. */
    static List<String> names(List<String> header) {
        Objects.requireNonNull(header, "header");
        List<String> names = new ArrayList<>(header);
        if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
            names.set(0, names.get(0).substring(1));
        }
        return List.copyOf(names);
    }
}
