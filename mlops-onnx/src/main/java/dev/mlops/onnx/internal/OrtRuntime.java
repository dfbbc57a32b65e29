package dev.mlops.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.mlops.api.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime, opened in one place: the process's environment (one per JVM, never closed), sessions
 * made with the flavor's options and quiet logging, and ONNX Runtime's load errors turned into
 * messages that say what in the graph was refused.
 */
public final class OrtRuntime {
  private static final Pattern OPSET = Pattern.compile("Current official support for domain (\\S+) is till opset (\\d+)");
  private static final Pattern OPERATOR = Pattern.compile("(\\S+)\\(-?\\d+\\) is not a registered function/op");

  private OrtRuntime() {}

  /**
   * How sessions run.
   *
   * @param intraOpThreads threads one operator may use
   * @param interOpThreads operators run at once (more than 1 runs the graph in parallel mode)
   */
  public record Options(int intraOpThreads, int interOpThreads) {}

  /** The process's ONNX Runtime environment, created on first use (see {@link Environment}). */
  public static OrtEnvironment env() {
    return Environment.ENV;
  }

  /**
   * The environment, created once on a thread of its own with a stack sized from the process's
   * command line. Creating it, ONNX Runtime 1.29.0 (on Linux) matches the command line with a
   * recursive matcher that takes a few hundred bytes of stack per character: a JVM started with a
   * classpath of a few thousand characters (an application of 70 jars) overflowed the 1 MiB stack
   * of a Java thread, and the process ended with SIGSEGV, without an error report. Later calls
   * (sessions, runs) do not read the command line and run on any thread.
   */
  static final class Environment {
    static final long STACK_PER_CHARACTER = 1_024;
    static final long BASE_STACK = 16L << 20;
    static final long MAX_STACK = 1L << 30;
    static final OrtEnvironment ENV = create();

    private Environment() {}

    /** The stack a thread needs to create the environment in a process whose command line has {@code characters}. */
    static long stackFor(long characters) {
      return Math.min(MAX_STACK, BASE_STACK + STACK_PER_CHARACTER * characters);
    }

    private static OrtEnvironment create() {
      FutureTask<OrtEnvironment> task = new FutureTask<>(OrtEnvironment::getEnvironment);
      Thread t = new Thread(null, task, "mlops-onnx-environment", stackFor(commandLineLength()));
      t.setDaemon(true);
      t.start();
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return task.get();
          } catch (InterruptedException e) {
            interrupted = true; // the environment is the process's: finish creating it, then keep the interrupt
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
              throw r;
            }
            if (cause instanceof Error err) {
              throw err;
            }
            throw new IllegalStateException("ONNX Runtime could not create its environment: " + cause, cause);
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** The length of the process's command line, as ONNX Runtime reads it, or of what the JVM knows of it. */
    static long commandLineLength() {
      long known = String.valueOf(System.getProperty("java.class.path")).length()
          + ProcessHandle.current().info().commandLine().map(String::length).orElse(0);
      Path cmdline = Path.of("/proc/self/cmdline");
      try {
        return Math.max(known, Files.isReadable(cmdline) ? Files.readAllBytes(cmdline).length : 0);
      } catch (IOException | RuntimeException e) {
        return known;
      }
    }
  }

  /** ONNX Runtime's version, for example 1.29.0. */
  public static String version() {
    return env().getVersion();
  }

  /**
   * A session over ONNX bytes; the caller closes it.
   *
   * @throws InvalidArgumentException if ONNX Runtime refuses the graph, saying why (an opset it
   *     lacks, an operator it does not have, unreadable bytes)
   */
  public static OrtSession open(byte[] bytes, Options options, OnnxHeader header) {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      // failures reach the caller as exceptions; ONNX Runtime would also print them to the process's stderr
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(options.interOpThreads());
      so.setExecutionMode(options.interOpThreads() > 1 ? OrtSession.SessionOptions.ExecutionMode.PARALLEL
          : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      return env().createSession(bytes, so);
    } catch (OrtException e) {
      throw InvalidArgumentException.of("ONNX graph", describe(header), reason(e, header));
    }
  }

  /** A graph named by its producer and opsets, for messages. */
  public static String describe(OnnxHeader h) {
    return (h.producerName().isEmpty() ? "graph" : h.producerName() + " " + h.producerVersion()).strip() + " " + h.opsets();
  }

  /** What ONNX Runtime refused, in the graph's terms. */
  static String reason(OrtException e, OnnxHeader header) {
    String message = message(e);
    Matcher opset = OPSET.matcher(message);
    if (opset.find()) {
      String domain = opset.group(1);
      return "imports opset " + header.opsets().getOrDefault(domain, -1L) + " of domain " + domain + ", which ONNX Runtime "
          + version() + " does not have (it supports that domain up to opset " + opset.group(2) + ")";
    }
    Matcher operator = OPERATOR.matcher(message);
    if (operator.find()) {
      return "uses operator " + operator.group(1) + ", which ONNX Runtime " + version() + " does not have (custom operators "
          + "are not loaded)";
    }
    if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF) {
      return "is not a readable ONNX model (ONNX Runtime " + version() + ": " + message + ")";
    }
    return "ONNX Runtime " + version() + " cannot load it: " + message;
  }

  /** ONNX Runtime's message without its "Error code - ... - message:" prefix. */
  public static String message(OrtException e) {
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf(" - message: ");
    return (at >= 0 ? m.substring(at + " - message: ".length()) : m).strip();
  }

  /** The shape of each tensor a run gave, by output name. */
  public static Map<String, long[]> shapes(OrtSession.Result result) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, OnnxValue> e : result) {
      if (e.getValue() instanceof OnnxTensor t) {
        shapes.put(e.getKey(), t.getInfo().getShape());
      }
    }
    return shapes;
  }
}
