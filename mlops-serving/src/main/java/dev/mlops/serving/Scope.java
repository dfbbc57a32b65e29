package dev.mlops.serving;

import java.util.function.LongSupplier;
import org.tribuo.Output;

/**
 * What an endpoint's helpers (loader, canary judge, batchers, shadows) may know of their endpoint:
 * its name, the unknown output its examples carry, the clock of request latencies and where its
 * figures go. Nothing that would let a helper call back into the endpoint.
 *
 * @param endpoint the endpoint's name
 * @param unknown the output of the examples the endpoint builds (Tribuo's unknown label or value)
 * @param outputType the endpoint's output type
 * @param ticker the clock of request latencies, in nanoseconds
 * @param metrics where the endpoint's figures go
 */
record Scope<T extends Output<T>>(String endpoint, T unknown, Class<T> outputType, LongSupplier ticker, ServingMetrics metrics) {}
