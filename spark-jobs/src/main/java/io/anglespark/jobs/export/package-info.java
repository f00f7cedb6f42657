/** The ONNX export job: a trained encoder artifact to an ONNX folder that ONNX Runtime and the embed job can serve. */
package io.anglespark.jobs.export;
