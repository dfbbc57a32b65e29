package dev.mlops.api.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a {@link RegistryEvent} is stored: a type name and a JSON object of its fields other than
 * {@code seq}, {@code model} and {@code time} (which a store keeps in columns of their own). A
 * third-party {@link RegistryStore} uses it to persist events; values are JSON-escaped, so a name
 * containing {@code ;}, {@code =} or quotes stays one value.
 *
 * <p>Stateless and thread-safe.
 */
public final class RegistryEventCodec {
  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Set<String> COLUMNS = Set.of("seq", "model", "time");
  private static final Map<String, Class<? extends RegistryEvent>> BY_TYPE = new LinkedHashMap<>();
  private static final Map<Class<?>, String> TYPE_OF = new LinkedHashMap<>();

  static {
    for (Class<?> c : RegistryEvent.class.getPermittedSubclasses()) {
      if (c == RegistryEvent.Unknown.class) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Class<? extends RegistryEvent> e = (Class<? extends RegistryEvent>) c;
      String type = c.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
      BY_TYPE.put(type, e);
      TYPE_OF.put(e, type);
    }
  }

  private RegistryEventCodec() {}

  /** The stored type names this version knows, for example {@code ALIAS_MOVED}. */
  public static List<String> knownTypes() {
    return List.copyOf(BY_TYPE.keySet());
  }

  static String typeOf(RegistryEvent e) {
    if (e instanceof RegistryEvent.Unknown u) {
      return u.storedType();
    }
    return TYPE_OF.get(e.getClass());
  }

  /** The JSON payload of an event: its fields except seq, model and time. */
  public static String payload(RegistryEvent e) {
    if (e instanceof RegistryEvent.Unknown u) {
      return u.payload();
    }
    ObjectNode node = JSON.createObjectNode();
    for (RecordComponent rc : e.getClass().getRecordComponents()) {
      if (COLUMNS.contains(rc.getName())) {
        continue;
      }
      try {
        node.set(rc.getName(), JSON.valueToTree(rc.getAccessor().invoke(e)));
      } catch (IllegalAccessException | InvocationTargetException ex) {
        throw new IllegalStateException("cannot read " + rc.getName() + " of " + e, ex);
      }
    }
    return node.toString();
  }

  /**
   * Rebuilds an event from its stored parts. A type this version does not know becomes
   * {@link RegistryEvent.Unknown}.
   *
   * @throws StorageException if the payload of a known type is not valid JSON for it
   */
  public static RegistryEvent decode(long seq, String model, String type, String payload, long time) {
    Class<? extends RegistryEvent> cls = BY_TYPE.get(type);
    if (cls == null) {
      return new RegistryEvent.Unknown(seq, model, time, type, payload);
    }
    try {
      JsonNode tree = JSON.readTree(payload.isEmpty() ? "{}" : payload);
      if (!(tree instanceof ObjectNode node)) {
        throw new StorageException("stored registry event " + seq + " (" + type + ") has a payload that is not a JSON object");
      }
      node.put("seq", seq);
      node.put("model", model);
      node.put("time", time);
      return JSON.treeToValue(node, cls);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new StorageException("cannot decode stored registry event " + seq + " (" + type + "): " + e.getMessage(), e);
    }
  }
}
