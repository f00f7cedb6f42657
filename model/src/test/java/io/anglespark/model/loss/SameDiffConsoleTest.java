package io.anglespark.model.loss;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SameDiffConsoleTest {
    @Test
    void onlySameDiffsDifferentiatedOpLinesAreDropped() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new SameDiffConsole.Filter(sink), true, StandardCharsets.UTF_8);
        out.println("Added differentiated op matmul_3");
        out.println("step 5/60 loss 0.41");
        out.print("Added differentiated");
        out.println(" op subtract");
        out.println("Added differentiated ops are fine in a sentence that does not start the line? no: Added differentiated op x");
        out.print("partial line ");
        out.flush();
        out.println("ends here");
        out.print("Added diff");
        out.flush();
        out.println("erentiated op held back until its end");
        assertEquals("step 5/60 loss 0.41\n"
                + "Added differentiated ops are fine in a sentence that does not start the line? no: Added differentiated op x\n"
                + "partial line ends here\n", sink.toString(StandardCharsets.UTF_8));
    }
}
