package dev.mlops.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mlops.api.IntegrityException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Digests;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.registry.RegistryStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Resolving model URIs and loading verified models, with two caches: loaded models by digest
 * (bounded), and resolutions by URI. A resolution carries the version it resolved and the
 * generation of its model when the resolution started; every event of a model advances that
 * generation (synchronously in the committing JVM, before the committing call returns), and a
 * cached resolution whose generation is behind is resolved again. So a load that starts after an
 * alias move has returned never gets the previous version, whatever the interleaving.
 */
final class ModelLoader {
  private final RegistryCore core;
  private final VersionIngestion ingestion;
  private final @Nullable ObjectInputFilter javaSerialFilter;
  private final Cache<String, Object> byDigest;
  private final Cache<String, Resolved> byUri;
  private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();

  /**
   * A cached resolution: valid while its model's generation has not moved. {@code model} is null
   * for a flavor whose loaded objects are not cached (each load makes its own).
   */
  private record Resolved(AtomicLong generationOfModel, long generation, ModelVersion version, @Nullable Object model,
      @Nullable LoadedModel<?> tribuo, @Nullable Class<?> outputClass) {
    boolean current() {
      return generationOfModel.get() == generation;
    }
  }

  private static Resolved resolvedOf(AtomicLong gen, long before, ModelVersion v, @Nullable Object model) {
    if (model instanceof Model<?> m) {
      Class<?> outputClass = null;
      for (Object o : m.getOutputIDInfo().getDomain()) {
        outputClass = o.getClass();
        break;
      }
      @SuppressWarnings({"unchecked", "rawtypes"})
      LoadedModel<?> loaded = new LoadedModel(v, m);
      return new Resolved(gen, before, v, model, loaded, outputClass);
    }
    return new Resolved(gen, before, v, model, null, null);
  }

  ModelLoader(RegistryCore core, VersionIngestion ingestion, @Nullable ObjectInputFilter javaSerialFilter, long cacheSize) {
    this.core = core;
    this.ingestion = ingestion;
    this.javaSerialFilter = javaSerialFilter;
    this.byDigest = Caffeine.newBuilder().maximumSize(cacheSize).build();
    this.byUri = Caffeine.newBuilder().maximumSize(Math.max(256, cacheSize * 4)).build();
  }

  private AtomicLong generation(String model) {
    return generations.computeIfAbsent(model, k -> new AtomicLong());
  }

  /** Every event advances its model's generation (both names for a rename). */
  void onEvent(RegistryEvent e) {
    generation(e.model()).incrementAndGet();
    if (e instanceof RegistryEvent.ModelRenamed r) {
      generation(r.oldName()).incrementAndGet();
      generation(r.newName()).incrementAndGet();
    }
  }

  ModelVersion resolve(String uri) {
    ModelUri u = ModelUri.parse(uri);
    return core.read(view -> resolve(view, u));
  }

  private static ModelVersion resolve(RegistryStore.View view, ModelUri u) {
    RegistryCore.requireModel(view, u.name());
    if (u.alias() != null) {
      Integer v = view.aliases(u.name()).get(u.alias());
      if (v == null) {
        throw new NotFoundException("alias '" + u.alias() + "' of model '" + u.name() + "' does not exist");
      }
      return RegistryCore.requireVersion(view, u.name(), v);
    }
    if (u.version() < 0) {
      List<ModelVersion> all = view.versions(u.name());
      if (all.isEmpty()) {
        throw new NotFoundException("model '" + u.name() + "' has no versions");
      }
      return all.get(all.size() - 1);
    }
    return RegistryCore.requireVersion(view, u.name(), u.version());
  }

  @SuppressWarnings("unchecked")
  <T extends Output<T>> LoadedModel<T> load(String uri, Class<T> outputType) {
    Resolved r = resolved(uri);
    LoadedModel<?> loaded = r.tribuo;
    if (loaded == null) {
      throw InvalidArgumentException.of("model", uri, "version " + r.version.version() + " has flavor " + r.version.flavor()
          + ", not a Tribuo model (use loadObject)");
    }
    // the output class is read once per resolution: a cached load costs a cache lookup and this check
    if (r.outputClass != outputType && !loaded.model().validate(outputType)) {
      throw InvalidArgumentException.of("output type", outputType.getSimpleName(), "model " + uri + " does not produce it");
    }
    return (LoadedModel<T>) loaded;
  }

  LoadedObject loadObject(String uri) {
    Resolved r = resolved(uri);
    return new LoadedObject(r.version, r.model != null ? r.model : deserialize(r.version));
  }

  private Resolved resolved(String uri) {
    Resolved r = byUri.getIfPresent(uri);
    if (r != null && r.current()) {
      return r;
    }
    ModelUri u = ModelUri.parse(uri);
    AtomicLong gen = generation(u.name());
    long before = gen.get();
    ModelVersion v = core.read(view -> resolve(view, u));
    if (v.status() != ModelVersionStatus.READY) {
      throw InvalidArgumentException.of("model", uri, "version " + v.version() + " is " + v.status());
    }
    Object model = ingestion.cachesLoaded(v.flavor()) ? byDigest.get(v.sha256(), sha -> deserialize(v)) : null;
    Resolved fresh = resolvedOf(gen, before, v, model);
    byUri.put(uri, fresh);
    return fresh;
  }

  byte[] verifiedBytes(ModelVersion v) {
    byte[] bytes;
    try (InputStream in = core.artifacts().open(RegistryCore.BLOB_NAMESPACE, "blobs/" + v.sha256())) {
      bytes = ModelBytes.read(in, v.size(), ModelFlavor.MAX_BYTES);
    } catch (IOException e) {
      throw new StorageException("cannot read the bytes of " + v.uri() + ": " + e.getMessage(), e);
    }
    String actual = Digests.sha256(bytes);
    if (!actual.equals(v.sha256())) {
      throw new IntegrityException("model " + v.uri() + " is corrupted: registered SHA-256 " + v.sha256() + ", stored bytes have "
          + actual + "; refusing to load");
    }
    return bytes;
  }

  private Object deserialize(ModelVersion v) {
    byte[] bytes = verifiedBytes(v);
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xAC && (bytes[1] & 0xff) == 0xED) {
      if (javaSerialFilter == null) {
        throw InvalidArgumentException.of("model", v.uri(), "holds Java-serialized bytes, which are refused; enable them with "
            + "ModelRegistry.Builder.allowJavaSerialization(filter) and an allow-list filter");
      }
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        in.setObjectInputFilter(javaSerialFilter);
        Object o = in.readObject();
        if (!(o instanceof Model<?> m)) {
          throw InvalidArgumentException.of("model", v.uri(), "deserialized to " + o.getClass().getName() + ", not a Tribuo model");
        }
        return m;
      } catch (IOException | ClassNotFoundException e) {
        throw InvalidArgumentException.of("model", v.uri(), "Java deserialization refused or failed: " + e.getMessage());
      }
    }
    ModelFlavor flavor = ingestion.flavor(v.flavor());
    if (!flavor.loadable()) {
      throw InvalidArgumentException.of("model", v.uri(), "has flavor " + v.flavor() + ", which stores bytes only (use bytes())");
    }
    try {
      return flavor.load(bytes, v);
    } catch (Exception e) {
      throw InvalidArgumentException.of("model", v.uri(), "is not a readable " + v.flavor() + " model: " + e.getMessage());
    }
  }
}
