/**
 * Endpoints of a {@link dev.mlops.serving.ModelServer} over HTTP: {@link dev.mlops.serving.http.ServingHttpServer}
 * starts the JDK's server, {@link dev.mlops.serving.http.ServingHandler} answers requests for any
 * other transport.
 */
@NullMarked
package dev.mlops.serving.http;

import org.jspecify.annotations.NullMarked;
