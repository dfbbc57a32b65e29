package dev.mlops.serving;

import org.tribuo.Output;

/**
 * A request answered, as handed to the endpoint's background worker: the caller's input in a form
 * that may outlive the call, the schema its example was built with, and the answer. One object
 * for every lane that wants it (shadows, prediction logging).
 */
record Answered<T extends Output<T>>(Request<T> request, InputSchema schema, Served<T> served) implements PredictionSink.LogEntry<T> {}
