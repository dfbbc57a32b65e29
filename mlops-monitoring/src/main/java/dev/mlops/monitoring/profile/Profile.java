package dev.mlops.monitoring.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mergeable profile of a data set: one {@link ColumnProfile} per column. Profiles built on parts
 * of the data (threads, shards, days) merge into the profile of the whole, exactly for counts and
 * moments and within sketch error for quantiles, frequent items and distinct counts. Thread-safe.
 *
 * <p>Binary format (big-endian): magic {@code MLPF}, a format version (1), the row count, the
 * column count, then per column its name, counters, moments and the serialized KLL, frequent-items
 * and HLL sketches. Readers accept every version up to {@link #FORMAT_VERSION}.
 */
public final class Profile {
  /** The version written by {@link #toBytes()}. */
  public static final int FORMAT_VERSION = 1;
  private static final int MAGIC = 0x4d4c5046; // "MLPF"

  private final Map<String, ColumnProfile> columns = new ConcurrentHashMap<>();
  private final List<String> order = new ArrayList<>();
  private final AtomicLong rows = new AtomicLong();

  /** An empty profile. */
  public Profile() {}

  /** Profiles a table. */
  public static Profile of(Table table) {
    Profile p = new Profile();
    p.update(table);
    return p;
  }

  /**
   * A profile made of copies of {@code columns}, in that order, counting {@code rows} rows: for
   * composing a profile from columns of others (for example a new reference whose label column
   * keeps its previous profile). Later changes to the given column profiles do not reach it.
   *
   * @throws InvalidArgumentException if {@code rows} is negative or two columns share a name
   */
  public static Profile of(long rows, List<ColumnProfile> columns) {
    if (rows < 0) {
      throw InvalidArgumentException.of("rows", rows, "must be >= 0");
    }
    Profile p = new Profile();
    for (ColumnProfile c : columns) {
      if (p.columns.containsKey(c.name())) {
        throw InvalidArgumentException.of("columns", c.name(), "names a column twice");
      }
      p.put(c.merge(new ColumnProfile(c.name())));
    }
    p.rows.set(rows);
    return p;
  }

  /** The profile of one column, created on first use. */
  public ColumnProfile column(String name) {
    ColumnProfile c = columns.get(name);
    if (c == null) {
      synchronized (order) {
        c = columns.computeIfAbsent(name, k -> {
          order.add(k);
          return new ColumnProfile(k);
        });
      }
    }
    return c;
  }

  /** Column profiles in first-seen order. */
  public List<ColumnProfile> columns() {
    synchronized (order) {
      return order.stream().map(columns::get).toList();
    }
  }

  /** Rows seen. */
  public long rows() {
    return rows.get();
  }

  /** A short form: rows and up to 20 column names with their kinds, {@code Profile[1000 rows, 3 columns: age (numerical), ...]}. */
  @Override
  public String toString() {
    List<ColumnProfile> cols = columns();
    StringBuilder sb = new StringBuilder("Profile[").append(rows()).append(" rows, ").append(cols.size()).append(" columns");
    String sep = ": ";
    int shown = 0;
    for (ColumnProfile c : cols) {
      if (shown++ == 20) {
        sb.append(", ...");
        break;
      }
      sb.append(sep).append(c.name()).append(c.isNumerical() ? " (numerical)" : " (categorical)");
      sep = ", ";
    }
    return sb.append(']').toString();
  }

  /**
   * A new profile of only the named columns, in this profile's column order, with this profile's row
   * count. The column profiles are copies: later updates of either profile do not reach the other.
   *
   * @throws InvalidArgumentException naming the column and the known ones when this profile lacks it
   */
  public Profile select(java.util.Collection<String> names) {
    for (String name : names) {
      if (!columns.containsKey(name)) {
        throw InvalidArgumentException.of("column", name, "is not in the profile; its columns are "
            + columns().stream().map(ColumnProfile::name).toList());
      }
    }
    Profile out = new Profile();
    for (ColumnProfile c : columns()) {
      if (names.contains(c.name())) {
        out.put(c.snapshot());
      }
    }
    out.rows.set(rows());
    return out;
  }

  /** Adds a table's rows. */
  public void update(Table table) {
    for (Column c : table.columns().values()) {
      ColumnProfile p = column(c.name());
      if (c.type() == Column.Type.NUMERICAL) {
        double[] v = c.numbers();
        p.update(v, 0, v.length);
      } else {
        for (String s : c.categories()) {
          p.update((Object) s);
        }
      }
    }
    rows.addAndGet(table.rows());
  }

  /** Adds one row given as column name to value (null is missing). */
  public void update(Map<String, ?> row) {
    for (Map.Entry<String, ?> e : row.entrySet()) {
      column(e.getKey()).update((Object) e.getValue());
    }
    rows.incrementAndGet();
  }

  /** Adds a primitive array as values of one column (rows are not counted: use for single-column profiles). */
  public void update(String column, double[] values) {
    column(column).update(values, 0, values.length);
  }

  /** A new profile equal to the profile of both inputs' data. */
  public Profile merge(Profile other) {
    Profile out = new Profile();
    for (ColumnProfile c : columns()) {
      ColumnProfile o = other.columns.get(c.name());
      out.put(o == null ? c.merge(new ColumnProfile(c.name())) : c.merge(o));
    }
    for (ColumnProfile o : other.columns()) {
      if (!columns.containsKey(o.name())) {
        out.put(o.merge(new ColumnProfile(o.name())));
      }
    }
    out.rows.set(rows() + other.rows());
    return out;
  }

  /**
   * The profile of all the parts' data: the same as merging them one after another with
   * {@link #merge}, in one pass (each column's sketches merged into one accumulator rather than
   * copied at every step, and columns in parallel; see the README's growth table). Columns appear
   * in the order the parts first name them.
   */
  public static Profile mergeAll(java.util.Collection<Profile> parts) {
    Map<String, List<ColumnProfile>> byColumn = new java.util.LinkedHashMap<>();
    long total = 0;
    for (Profile p : parts) {
      for (ColumnProfile c : p.columns()) {
        byColumn.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
      }
      total += p.rows();
    }
    List<Map.Entry<String, List<ColumnProfile>>> entries = new ArrayList<>(byColumn.entrySet());
    ColumnProfile[] merged = new ColumnProfile[entries.size()];
    // columns are independent: merged in parallel, put in order
    java.util.stream.IntStream.range(0, merged.length).parallel()
        .forEach(i -> merged[i] = ColumnProfile.mergeAll(entries.get(i).getKey(), entries.get(i).getValue()));
    Profile out = new Profile();
    for (ColumnProfile c : merged) {
      out.put(c);
    }
    out.rows.set(total);
    return out;
  }

  private void put(ColumnProfile c) {
    synchronized (order) {
      columns.put(c.name(), c);
      order.add(c.name());
    }
  }

  /** The versioned binary form. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeShort(FORMAT_VERSION);
      out.writeLong(rows());
      List<ColumnProfile> cols = columns();
      out.writeInt(cols.size());
      for (ColumnProfile c : cols) {
        c.write(out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new StorageException("cannot encode profile: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a profile written by any version of {@link #toBytes()}.
   *
   * @throws InvalidArgumentException if the bytes are not a profile or come from a newer version
   */
  public static Profile fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != MAGIC) {
        throw InvalidArgumentException.of("profile bytes", data.length + " bytes", "do not start with the profile magic MLPF");
      }
      int version = in.readShort();
      if (version < 1 || version > FORMAT_VERSION) {
        throw InvalidArgumentException.of("profile format version", version, "this library reads versions 1 to " + FORMAT_VERSION);
      }
      Profile p = new Profile();
      p.rows.set(in.readLong());
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        p.put(ColumnProfile.read(in, version));
      }
      return p;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidArgumentException iae) {
        throw iae;
      }
      throw InvalidArgumentException.of("profile bytes", data.length + " bytes", "are corrupt: " + e.getMessage());
    }
  }

  /** A JSON summary: per column counts, type counts, moments, quantiles, distinct estimate and top items. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("rows", rows());
    List<Map<String, Object>> cols = new ArrayList<>();
    for (ColumnProfile c : columns()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("count", c.count());
      m.put("missing", c.nullCount());
      m.put("nan", c.nanCount());
      m.put("infinite", c.infiniteCount());
      m.put("types", c.typeCounts());
      if (c.numericCount() > 0) {
        m.put("min", c.min());
        m.put("max", c.max());
        m.put("mean", c.mean());
        m.put("stddev", Math.sqrt(c.variance()));
        Map<String, Double> q = new LinkedHashMap<>();
        for (double x : new double[] {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}) {
          q.put(Double.toString(x), c.quantile(x));
        }
        m.put("quantiles", q);
      }
      m.put("distinctEstimate", Math.round(c.distinctEstimate()));
      Map<String, Long> top = new LinkedHashMap<>();
      c.frequentItems().entrySet().stream().limit(10).forEach(e -> top.put(e.getKey(), e.getValue()));
      m.put("frequentItems", top);
      cols.add(m);
    }
    root.put("columns", cols);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
