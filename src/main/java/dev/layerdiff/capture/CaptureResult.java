package dev.layerdiff.capture;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Capture#run} wrote.
 *
 * @param file the safetensors file
 * @param order activation names in execution order, model outputs last (the file's {@code order})
 * @param gradients number of {@code grad/} tensors
 * @param paramGradients number of {@code param_grad/} tensors
 * @param producer the {@code producer} metadata: libtorch version, device, Java version, host
 */
public record CaptureResult(Path file, List<String> order, int gradients, int paramGradients, String producer) {}
