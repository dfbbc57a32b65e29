package dev.mlops.registry;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Digests;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.internal.tribuo.TribuoProtobuf;
import dev.mlops.api.registry.Lineage;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.TrackingStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration of new versions: the bytes are read, hashed and inspected by their flavor; every
 * permission is checked (and a refusal audited) before anything is written; then the bytes are
 * stored and, in one transaction, the version takes the next number with its audit entry and
 * events. If that transaction fails, bytes this registration added are removed again, so a
 * refusal or failure leaves the store as it was.
 */
final class VersionIngestion {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final RegistryCore core;
  private final Map<String, ModelFlavor> flavors;

  VersionIngestion(RegistryCore core, Map<String, ModelFlavor> flavors) {
    this.core = core;
    this.flavors = flavors;
  }

  ModelFlavor flavor(String name) {
    ModelFlavor f = flavors.get(name);
    if (f == null) {
      throw InvalidArgumentException.of("flavor", name, "is not known to this registry; known: " + flavors.keySet()
          + " (add one with ModelRegistry.Builder.flavor)");
    }
    return f;
  }

  /** Whether objects of the named flavor are cached (a flavor this registry does not know fails when loaded). */
  boolean cachesLoaded(String name) {
    ModelFlavor f = flavors.get(name);
    return f == null || f.cachesLoaded();
  }

  ModelVersion register(Registration r) {
    r.check();
    RegistryCore.checkName(r.model);
    core.check(Action.REGISTER_VERSION, r.model);
    boolean exists = core.read(v -> v.model(r.model).isPresent());
    if (!exists) {
      String actor = core.actor();
      if (!core.access.allows(actor, Action.CREATE_MODEL, r.model)) {
        throw core.deny(r.model, Action.CREATE_MODEL, Map.of(), RegistryCore.denial(actor, Action.CREATE_MODEL, r.model)
            + " (registering a version would create it)");
      }
    }
    Lineage lineage = Lineage.NONE;
    if (!r.runId.isEmpty()) {
      TrackingStore ts = core.trackingStore().orElseThrow(() -> new MlopsException("registering from run '" + r.runId
          + "' needs a tracking store on the classpath (add mlops-tracking)"));
      Run run = ts.getRun(r.runId).orElseThrow(() -> new NotFoundException("run '" + r.runId + "' does not exist"));
      lineage = RegistryCore.lineageOf(run);
    } else if (r.lineage != null) {
      lineage = r.lineage;
    }
    String flavorName = r.flavor;
    if (flavorName == null) {
      flavorName = r.artifactPath != null && r.artifactPath.endsWith(".tribuo") || r.file != null && r.file.toString().endsWith(".tribuo")
          ? ModelVersion.TRIBUO_PROTOBUF : ModelVersion.GENERIC;
    }
    ModelFlavor flavor = flavor(flavorName);
    long limit = Math.min(flavor.maxBytes(), ModelFlavor.MAX_BYTES);
    byte[] bytes;
    String source;
    if (r.tribuoModel != null) {
      bytes = TribuoProtobuf.write(r.tribuoModel);
      source = "object:" + r.tribuoModel.getClass().getName();
      checkSize(flavorName, limit, source, bytes.length);
    } else if (r.file != null) {
      source = r.file.toAbsolutePath().toUri().toString();
      try {
        long size = Files.size(r.file);
        checkSize(flavorName, limit, source, size);
        try (InputStream in = Files.newInputStream(r.file)) {
          bytes = readAtMost(in, size, limit, flavorName, source);
        }
      } catch (IOException e) {
        throw new NotFoundException("cannot read model file " + r.file + ": " + e.getMessage());
      }
    } else {
      String owner = r.artifactOwner;
      source = (r.runId.isEmpty() ? "artifacts:/" : "runs:/") + owner + "/" + r.artifactPath;
      long size = core.artifacts().info(owner, r.artifactPath).size();
      checkSize(flavorName, limit, source, size);
      try (InputStream in = core.artifacts().open(owner, r.artifactPath)) {
        bytes = readAtMost(in, size, limit, flavorName, source);
      } catch (IOException e) {
        throw new StorageException("cannot read artifact '" + r.artifactPath + "' of " + (r.runId.isEmpty() ? "" : "run ") + owner + ": " + e.getMessage(), e);
      }
    }
    String sha = Digests.sha256(bytes);
    Map<String, String> tags = new LinkedHashMap<>(r.tags);
    ModelVersionStatus status = ModelVersionStatus.READY;
    ModelSignature signature = r.signature;
    try {
      ModelFlavor.Inspection found = flavor.inspect(new ModelFlavor.Candidate(bytes, Optional.ofNullable(r.tribuoModel), r.inputExample,
          Optional.ofNullable(r.signature)));
      signature = found.signature().orElse(null);
      found.tags().forEach((key, value) -> {
        Validation.key("version tag key", key);
        Validation.maxLength("version tag '" + key + "' value", value, 5000);
        tags.putIfAbsent(key, value);
      });
    } catch (InvalidArgumentException e) {
      throw e;
    } catch (Exception e) {
      status = ModelVersionStatus.FAILED_REGISTRATION;
      String msg = String.valueOf(e.getMessage());
      tags.put("mlops.registration_error", msg.substring(0, Math.min(4000, msg.length())));
    }
    if (signature == null) {
      signature = new ModelSignature(List.of(), List.of(), r.inputExample);
    }
    String blob = "blobs/" + sha;
    boolean blobExisted = blobExists(blob);
    core.artifacts().put(RegistryCore.BLOB_NAMESPACE, blob, new ByteArrayInputStream(bytes));
    ModelCard card = prefill(r.card, lineage);
    final Lineage lin = lineage;
    final String fl = flavorName;
    final ModelVersionStatus st = status;
    final ModelSignature sig = signature;
    try {
      return core.change(c -> {
        RegisteredModel m = c.tx.model(r.model).orElse(null);
        if (m == null) {
          if (!core.access.allows(c.actor, Action.CREATE_MODEL, r.model)) {
            // the model was deleted since the check above; refused below, after this transaction rolls back
            throw new CreationRefused();
          }
          m = new RegisteredModel(r.model, "", c.time, c.time, Map.of(), 1);
          c.record(Mutation.modelCreated(r.model, "", "created by the first registration"));
        }
        int number = m.nextVersion();
        c.tx.putModel(new RegisteredModel(m.name(), m.description(), m.creationTime(), c.time, m.tags(), number + 1));
        ModelVersion v = new ModelVersion(r.model, number, st, fl, source, sha, bytes.length, r.description, tags, sig, lin, card, c.actor,
            c.time, c.time);
        c.tx.putVersion(v);
        c.record(Mutation.versionRegistered(r.model, number, sha, source, st));
        return v;
      });
    } catch (RuntimeException e) {
      if (!blobExisted) {
        removeBlob(blob, sha);
      }
      if (e instanceof CreationRefused) {
        throw core.deny(r.model, Action.CREATE_MODEL, Map.of(), RegistryCore.denial(core.actor(), Action.CREATE_MODEL, r.model)
            + " (registering a version would create it)");
      }
      throw e;
    }
  }


  /** Refuses a model larger than its flavor accepts, before its bytes are read. */
  private static void checkSize(String flavor, long limit, String source, long size) {
    if (size > limit) {
      throw InvalidArgumentException.of("model size", size + " bytes (" + source + ")", "exceeds the " + limit
          + "-byte limit of flavor " + flavor + " (ModelFlavor.maxBytes); the registry holds a model's bytes in memory while "
          + "registering and loading it");
    }
  }

  /** Reads a stream of {@code size} bytes that must not exceed {@code limit} (a file may grow after its size was checked). */
  private static byte[] readAtMost(InputStream in, long size, long limit, String flavor, String source) throws IOException {
    byte[] bytes = ModelBytes.read(in, size, limit);
    checkSize(flavor, limit, source, bytes.length);
    return bytes;
  }

  /** Thrown inside the transaction to roll it back; turned into an audited denial after. */
  private static final class CreationRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CreationRefused() {
      super(null, null, false, false);
    }
  }

  private boolean blobExists(String blob) {
    try {
      core.artifacts().info(RegistryCore.BLOB_NAMESPACE, blob);
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private void removeBlob(String blob, String sha) {
    try {
      // another version may have registered the same bytes meanwhile: keep them if anything refers to them
      boolean referenced = core.read(v -> v.models().stream()
          .anyMatch(m -> v.versions(m.name()).stream().anyMatch(x -> x.sha256().equals(sha))));
      if (!referenced) {
        core.artifacts().delete(RegistryCore.BLOB_NAMESPACE, blob);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not remove the bytes of a failed registration ({}): {}", blob, e.getMessage());
    }
  }

  static ModelCard prefill(ModelCard card, Lineage lineage) {
    List<String> training = lineage.datasets().stream().filter(d -> d.endsWith("(" + DatasetInput.TRAINING + ")")).toList();
    return new ModelCard(card.intendedUse(), card.limitations(), card.trainingData().isEmpty() ? training : card.trainingData(),
        card.evaluationMetrics().isEmpty() ? lineage.metrics() : card.evaluationMetrics(), card.fairnessAnalysis(),
        card.ethicalConsiderations(), card.owners());
  }
}
