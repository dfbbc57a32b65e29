package dev.mlops.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

/**
 * The input a loaded version accepts, from its feature names ({@link ServedModel#featureNames()}:
 * a Tribuo model's feature map, from which its registered signature is derived too): numeric
 * features by name, and one-hot groups ({@code plan@basic},
 * {@code plan@pro}, as Tribuo's identity processor names them) that a request may give as
 * {@code "plan": "pro"}. Turns a request into a Tribuo example, listing every problem: unknown
 * features, missing features, values of the wrong type, non-finite values. Immutable and
 * thread-safe; the happy path allocates only the example.
 */
final class InputSchema {
  private final String[] names;
  /** The largest magnitude a value may have ({@link ServedModel#maxMagnitude()}); beyond it, or not finite, a value is unusable. */
  private final double limit;
  private final Map<String, Integer> index;
  /** Request keys a request must give: plain feature names and one-hot group names, in feature order. */
  private final Set<String> required;
  private final String[] requiredKeys;
  /** For each feature id, the index in {@link #requiredKeys} of the key that gives it (its own name, or its one-hot group). */
  private final int[] requiredOf;
  private final Set<String> oneHotGroups;
  /** For each one-hot group, value to feature name ("pro" to "plan@pro"). */
  private final Map<String, Map<String, String>> oneHot = new HashMap<>();
  /**
   * Key orders of requests already found valid (every key known, nothing missing), by identity: a
   * service that builds its maps the same way passes the same key objects in the same order, so a
   * request whose keys are identical to a validated order skips the name lookups. Exact: a key is
   * only skipped when it is the very same object as a key validated before.
   */
  private final java.util.concurrent.atomic.AtomicReferenceArray<Order> validated = new java.util.concurrent.atomic.AtomicReferenceArray<>(4);

  /**
   * A validated key order and, when every key is a plain numeric feature, each key's position in
   * Tribuo's sorted order (so the fast path builds a presorted example).
   */
  private record Order(Object[] keys, int @Nullable [] sortedPos) {}

  private InputSchema(String[] names, Set<String> oneHotGroups, double limit) {
    this.names = names;
    this.limit = limit > 0 ? limit : Double.MAX_VALUE;
    this.index = new HashMap<>(names.length * 2);
    for (int i = 0; i < names.length; i++) {
      index.put(names[i], i);
    }
    this.oneHotGroups = Set.copyOf(oneHotGroups);
    Set<String> req = new LinkedHashSet<>();
    for (String n : names) {
      int at = n.indexOf('@');
      req.add(at > 0 && oneHotGroups.contains(n.substring(0, at)) ? n.substring(0, at) : n);
    }
    this.required = java.util.Collections.unmodifiableSet(req);
    this.requiredKeys = req.toArray(new String[0]);
    List<String> keyList = List.of(requiredKeys);
    this.requiredOf = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      int at = names[i].indexOf('@');
      requiredOf[i] = keyList.indexOf(at > 0 && oneHotGroups.contains(names[i].substring(0, at)) ? names[i].substring(0, at) : names[i]);
    }
    for (String n : names) {
      int at = n.indexOf('@');
      if (at > 0 && oneHotGroups.contains(n.substring(0, at))) {
        oneHot.computeIfAbsent(n.substring(0, at), g -> new HashMap<>()).put(n.substring(at + 1), n);
      }
    }
  }

  static InputSchema of(Model<?> model) {
    return of(TribuoModel.featureNames(model));
  }

  /**
   * The schema of a model taking {@code featureNames} in this order whose values may be at most
   * {@code limit} in magnitude ({@link ServedModel#maxMagnitude()}).
   */
  static InputSchema of(List<String> featureNames, double limit) {
    String[] names = featureNames.toArray(new String[0]);
    Set<String> plain = Set.copyOf(featureNames);
    Set<String> groups = new LinkedHashSet<>();
    for (String n : names) {
      int at = n.indexOf('@');
      // a group is one-hot when no plain feature has its name
      if (at > 0 && !plain.contains(n.substring(0, at))) {
        groups.add(n.substring(0, at));
      }
    }
    return new InputSchema(names, groups, limit);
  }

  /** A value the model can take: finite and within its magnitude. */
  private boolean usable(double d) {
    return Math.abs(d) <= limit;
  }

  /** What a usable value is, after a value that is not. */
  private String expected() {
    return limit == Double.MAX_VALUE ? "; expected a finite number" : "; expected a finite number of at most " + limit
        + " in magnitude (the model's inputs are float32)";
  }

  /** The schema of a model taking {@code featureNames} in this order ({@link ServedModel#featureNames()}). */
  static InputSchema of(List<String> featureNames) {
    return of(featureNames, Double.MAX_VALUE);
  }

  /** Whether {@code example} holds at least one of this version's features. */
  boolean knowsAny(Example<?> example) {
    for (Feature f : example) {
      if (index.containsKey(f.getName())) {
        return true;
      }
    }
    return false;
  }

  /** Feature names in the model's id order: the order of {@link #fromArray}. */
  String[] names() {
    return names.clone();
  }

  int size() {
    return names.length;
  }

  /** Builds an example from a feature map; problems are added to {@code problems} (created on the first one). */
  <T extends Output<T>> Example<T> fromMap(Map<String, ?> input, T unknown, Problems problems) {
    int n = input.size();
    if (n == required.size()) {
      Example<T> fast = fast(input, n, unknown);
      if (fast != null) {
        return fast;
      }
    }
    return slow(input, unknown, problems);
  }

  /** The fast path: keys identical to a validated order, every value a finite number or a known one-hot value; else null. */
  private <T extends Output<T>> @Nullable Example<T> fast(Map<String, ?> input, int n, T unknown) {
    for (int c = 0; c < validated.length(); c++) {
      Order validatedOrder = validated.get(c);
      if (validatedOrder == null || validatedOrder.keys().length != n) {
        continue;
      }
      Object[] order = validatedOrder.keys();
      int[] pos = validatedOrder.sortedPos();
      String[] keys = new String[n];
      double[] values = new double[n];
      int i = 0;
      boolean ok = true;
      for (Map.Entry<String, ?> e : input.entrySet()) {
        String key = e.getKey();
        if (key != order[i]) {
          ok = false;
          break;
        }
        Object v = e.getValue();
        if (v instanceof Number num) {
          double d = num.doubleValue();
          if (!usable(d)) {
            return null;
          }
          int at = pos == null ? i : pos[i];
          keys[at] = key;
          values[at] = d;
        } else if (pos != null) {
          return null;
        } else {
          Map<String, String> group = oneHot.get(key);
          String name = group == null || v == null ? null : group.get(v.toString());
          if (name == null) {
            return null;
          }
          keys[i] = name;
          values[i] = 1.0;
        }
        i++;
      }
      if (ok) {
        return pos == null ? new ArrayExample<>(unknown, keys, values) : new PresortedExample<>(unknown, keys, values);
      }
    }
    return null;
  }

  private <T extends Output<T>> Example<T> slow(Map<String, ?> input, T unknown, Problems problems) {
    int n = input.size();
    String[] keys = new String[n];
    double[] values = new double[n];
    int k = 0;
    int matched = 0;
    boolean keysValid = true;
    for (Map.Entry<String, ?> e : input.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      Integer id = index.get(key);
      if (id != null) {
        matched++;
        if (v instanceof Number num) {
          double d = num.doubleValue();
          if (usable(d)) {
            keys[k] = key;
            values[k++] = d;
          } else {
            problems.add(InputProblem.Kind.NON_FINITE, key, "feature '" + key + "' is " + d + expected());
          }
        } else {
          problems.add(InputProblem.Kind.WRONG_TYPE, key, "feature '" + key + "' is " + describe(v) + "; expected a number");
        }
      } else if (oneHotGroups.contains(key)) {
        matched++;
        String name = v == null ? null : oneHot.get(key).get(v.toString());
        if (name != null && (v instanceof CharSequence || v instanceof Boolean)) {
          keys[k] = name;
          values[k++] = 1.0;
        } else if (v instanceof CharSequence || v instanceof Boolean) {
          problems.add(InputProblem.Kind.WRONG_TYPE, key, "feature '" + key + "' has value '" + v + "', which the model never saw; expected one of "
              + valuesOf(key));
        } else {
          problems.add(InputProblem.Kind.WRONG_TYPE, key, "feature '" + key + "' is " + describe(v) + "; expected one of " + valuesOf(key));
        }
      } else {
        keysValid = false;
        problems.add(InputProblem.Kind.UNKNOWN_FEATURE, key, "unknown feature '" + key + "'; the model's features are " + required);
      }
    }
    if (matched < required.size()) {
      keysValid = false;
      addMissing(r -> input.containsKey(requiredKeys[r]), problems);
    }
    if (keysValid && n == required.size()) {
      remember(input.keySet().toArray());
    }
    if (k < n) {
      keys = java.util.Arrays.copyOf(keys, k);
      values = java.util.Arrays.copyOf(values, k);
    }
    return new ArrayExample<>(unknown, keys, values);
  }

  /** Adds a problem for each key a request must give and did not ({@code given} by index in {@link #requiredKeys}). */
  private void addMissing(java.util.function.IntPredicate given, Problems problems) {
    for (int r = 0; r < requiredKeys.length; r++) {
      if (!given.test(r)) {
        String key = requiredKeys[r];
        problems.add(InputProblem.Kind.MISSING_FEATURE, key, "missing feature '" + key + "'"
            + (oneHotGroups.contains(key) ? "; expected one of " + valuesOf(key) : "; expected a number"));
      }
    }
  }

  /** Remembers a validated key order (a small ring: the newest replaces the oldest). */
  private void remember(Object[] keys) {
    for (int c = 0; c < validated.length(); c++) {
      Order o = validated.get(c);
      if (o != null && java.util.Arrays.equals(o.keys(), keys) && identical(o.keys(), keys)) {
        return;
      }
    }
    Order order = new Order(keys, sortedPositions(keys));
    for (int c = 0; c < validated.length(); c++) {
      if (validated.compareAndSet(c, null, order)) {
        return;
      }
    }
    validated.set(java.util.concurrent.ThreadLocalRandom.current().nextInt(validated.length()), order);
  }

  /** Each key's position in String order (Tribuo's), or null when a key is a one-hot group (its feature name depends on the value). */
  private int @Nullable [] sortedPositions(Object[] keys) {
    Integer[] idx = new Integer[keys.length];
    for (int i = 0; i < keys.length; i++) {
      if (!index.containsKey((String) keys[i])) {
        return null;
      }
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (a, b) -> ((String) keys[a]).compareTo((String) keys[b]));
    int[] pos = new int[keys.length];
    for (int rank = 0; rank < idx.length; rank++) {
      pos[idx[rank]] = rank;
    }
    return pos;
  }

  private static boolean identical(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /** Builds an example from values in {@link #names()} order. */
  <T extends Output<T>> Example<T> fromArray(double[] values, T unknown, Problems problems) {
    if (values.length != names.length) {
      problems.add(InputProblem.Kind.WRONG_COUNT, null, "got " + values.length + " values; expected " + names.length + " in the order " + List.of(names));
      return new ArrayExample<>(unknown, new String[0], new double[0]);
    }
    boolean clean = true;
    for (int i = 0; i < values.length; i++) {
      if (!usable(values[i])) {
        problems.add(InputProblem.Kind.NON_FINITE, names[i], "feature '" + names[i] + "' is " + values[i] + expected());
        clean = false;
      }
    }
    if (clean) {
      return new ArrayExample<>(unknown, names, values);
    }
    List<String> ks = new ArrayList<>();
    List<Double> vs = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (usable(values[i])) {
        ks.add(names[i]);
        vs.add(values[i]);
      }
    }
    return new ArrayExample<>(unknown, ks.toArray(new String[0]), vs.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Checks a caller's example as a feature map is checked (unknown, missing and non-finite
   * features); returns it, or a copy without the unusable features.
   */
  <T extends Output<T>> Example<T> check(Example<T> example, T unknown, Problems problems) {
    boolean[] given = new boolean[requiredKeys.length];
    int givenCount = 0;
    boolean usable = true;
    for (Feature f : example) {
      Integer id = index.get(f.getName());
      if (id == null) {
        problems.add(InputProblem.Kind.UNKNOWN_FEATURE, f.getName(), "unknown feature '" + f.getName() + "'; the model's features are " + required);
        usable = false;
        continue;
      }
      if (!usable(f.getValue())) {
        problems.add(InputProblem.Kind.NON_FINITE, f.getName(), "feature '" + f.getName() + "' is " + f.getValue() + expected());
        usable = false;
      }
      int r = requiredOf[id];
      if (!given[r]) {
        given[r] = true;
        givenCount++;
      }
    }
    if (givenCount < requiredKeys.length) {
      addMissing(r -> given[r], problems);
    }
    if (usable) {
      return example;
    }
    List<String> names2 = new ArrayList<>();
    List<Double> vals = new ArrayList<>();
    for (Feature f : example) {
      if (index.containsKey(f.getName()) && usable(f.getValue())) {
        names2.add(f.getName());
        vals.add(f.getValue());
      }
    }
    return new ArrayExample<>(unknown, names2.toArray(new String[0]), vals.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private List<String> valuesOf(String group) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.startsWith(group + "@")) {
        out.add(n.substring(group.length() + 1));
      }
    }
    return out;
  }

  private static String describe(@Nullable Object v) {
    return v == null ? "null" : "'" + v + "' (" + v.getClass().getSimpleName() + ")";
  }


  /** A request's problems, created on the first one. */
  static final class Problems {
    private @Nullable List<InputProblem> list;

    void add(InputProblem.Kind kind, @Nullable String feature, String message) {
      if (list == null) {
        list = new ArrayList<>(2);
      }
      list.add(new InputProblem(kind, feature, message));
    }

    boolean any() {
      return list != null;
    }

    List<InputProblem> list() {
      return list == null ? List.of() : list;
    }

    /** Forgets the problems (the lists handed out stay as they are), for the next request. */
    void clear() {
      list = null;
    }
  }
}
