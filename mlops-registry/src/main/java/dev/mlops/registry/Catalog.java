package dev.mlops.registry;

import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.search.Accessor;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog: direct changes to models, versions and aliases (creating, tagging, describing,
 * renaming and deleting; moving and deleting unprotected aliases), each checked against the access
 * policy and made in one transaction with its {@link Mutation}, and the search of models. Versions
 * are registered by {@link VersionIngestion}; protected aliases move through {@link Governance}.
 */
final class Catalog {
  private final RegistryCore core;
  private final Governance governance;

  Catalog(RegistryCore core, Governance governance) {
    this.core = core;
    this.governance = governance;
  }

  // ------------------------------------------------------------------ models

  RegisteredModel createModel(String name, String description, Map<String, String> tags) {
    RegistryCore.checkName(name);
    Map<String, String> t = RegistryCore.checkTags(tags);
    Validation.maxLength("description", Validation.notNull("description", description), 5000);
    core.check(Action.CREATE_MODEL, name);
    return core.change(c -> {
      if (c.tx.model(name).isPresent()) {
        throw new AlreadyExistsException("registered model '" + name + "' already exists");
      }
      RegisteredModel m = new RegisteredModel(name, description, c.time, c.time, t, 1);
      c.tx.putModel(m);
      c.record(Mutation.modelCreated(name, m.description(), ""));
      return m;
    });
  }

  List<RegisteredModel> searchModels(String filter) {
    Expr expr = FilterParser.parse(filter, FilterParser.Vocabulary.MODELS);
    return core.read(v -> v.models()).stream().filter(m -> Evaluator.test(expr, modelAccessor(m))).toList();
  }

  void setModelTag(String name, String key, String value) {
    Map<String, String> t = RegistryCore.checkTags(Map.of(key, value));
    core.check(Action.TAG, name);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      Map<String, String> tags = new LinkedHashMap<>(m.tags());
      String before = tags.put(key, t.get(key));
      c.tx.putModel(m.withTags(tags, c.time));
      c.record(Mutation.modelTagSet(name, key, before, value));
      return null;
    });
  }

  /** Deletes a model tag; a key the model does not have changes nothing and is not audited. */
  void deleteModelTag(String name, String key) {
    Validation.notNull("key", key);
    core.check(Action.TAG, name);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      Map<String, String> tags = new LinkedHashMap<>(m.tags());
      String before = tags.remove(key);
      if (before != null) {
        c.tx.putModel(m.withTags(tags, c.time));
        c.record(Mutation.modelTagSet(name, key, before, null));
      }
      return null;
    });
  }

  void setModelDescription(String name, String description) {
    Validation.maxLength("description", Validation.notNull("description", description), 5000);
    core.check(Action.UPDATE_MODEL, name);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      c.tx.putModel(new RegisteredModel(name, description, m.creationTime(), c.time, m.tags(), m.nextVersion()));
      c.record(Mutation.modelDescribed(name, m.description(), description));
      return null;
    });
  }

  void renameModel(String name, String newName) {
    RegistryCore.checkName(newName);
    core.check(Action.UPDATE_MODEL, name);
    core.check(Action.CREATE_MODEL, newName);
    core.change(c -> {
      RegisteredModel m = RegistryCore.requireModel(c.tx, name);
      if (c.tx.model(newName).isPresent()) {
        throw new AlreadyExistsException("registered model '" + newName + "' already exists");
      }
      List<ModelVersion> versions = c.tx.versions(name);
      Map<String, Integer> aliases = c.tx.aliases(name);
      List<PromotionRequest> requests = c.tx.requests(name);
      c.tx.deleteModel(name);
      c.tx.putModel(new RegisteredModel(newName, m.description(), m.creationTime(), c.time, m.tags(), m.nextVersion()));
      for (ModelVersion v : versions) {
        c.tx.putVersion(new ModelVersion(newName, v.version(), v.status(), v.flavor(), v.source(), v.sha256(), v.size(), v.description(),
            v.tags(), v.signature(), v.lineage(), v.card(), v.createdBy(), v.creationTime(), c.time));
      }
      aliases.forEach((a, v) -> c.tx.putAlias(newName, a, v));
      for (PromotionRequest r : requests) {
        c.tx.putRequest(new PromotionRequest(r.id(), newName, r.alias(), r.version(), r.requester(), r.reason(), r.status(),
            r.decisions(), r.gates(), r.createdAt(), r.decidedAt()));
      }
      c.record(Mutation.modelRenamed(name, newName));
      return null;
    });
  }

  void deleteModel(String name) {
    core.check(Action.DELETE, name);
    core.change(c -> {
      RegistryCore.requireModel(c.tx, name);
      int versions = c.tx.versions(name).size();
      c.tx.deleteModel(name);
      c.record(Mutation.modelDeleted(name, versions));
      return null;
    });
  }

  // ------------------------------------------------------------------ versions

  void setVersionTag(String name, int version, String key, String value) {
    Map<String, String> t = RegistryCore.checkTags(Map.of(key, value));
    core.check(Action.TAG, name);
    core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      Map<String, String> tags = new LinkedHashMap<>(v.tags());
      String before = tags.put(key, t.get(key));
      c.tx.putVersion(v.with(v.description(), tags, v.card(), c.time));
      c.record(Mutation.versionTagSet(name, version, key, before, value));
      return null;
    });
  }

  /** Deletes a version tag; a key the version does not have changes nothing and is not audited. */
  void deleteVersionTag(String name, int version, String key) {
    Validation.notNull("key", key);
    core.check(Action.TAG, name);
    core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      Map<String, String> tags = new LinkedHashMap<>(v.tags());
      String before = tags.remove(key);
      if (before != null) {
        c.tx.putVersion(v.with(v.description(), tags, v.card(), c.time));
        c.record(Mutation.versionTagSet(name, version, key, before, null));
      }
      return null;
    });
  }

  /** Changes a version's description; audited as {@code MODEL_DESCRIBED} of {@code model/version}. */
  void setVersionDescription(String name, int version, String description) {
    Validation.maxLength("description", Validation.notNull("description", description), 5000);
    core.check(Action.UPDATE_MODEL, name);
    core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      c.tx.putVersion(v.with(description, v.tags(), v.card(), c.time));
      c.record(Mutation.versionDescribed(name, version, v.description(), description));
      return null;
    });
  }

  void updateCard(String name, int version, ModelCard card) {
    Validation.notNull("card", card);
    core.check(Action.UPDATE_MODEL, name);
    core.change(c -> {
      ModelVersion v = RegistryCore.requireVersion(c.tx, name, version);
      c.tx.putVersion(v.with(v.description(), v.tags(), card, c.time));
      c.record(Mutation.cardUpdated(name, version));
      return null;
    });
  }

  void deleteVersion(String name, int version) {
    core.check(Action.DELETE, name);
    core.change(c -> {
      RegistryCore.requireVersion(c.tx, name, version);
      for (Map.Entry<String, Integer> a : c.tx.aliases(name).entrySet()) {
        if (a.getValue() == version) {
          c.tx.deleteAlias(name, a.getKey());
          c.record(Mutation.aliasDeleted(name, a.getKey(), version, "version deleted"));
        }
      }
      c.tx.deleteVersion(name, version);
      c.record(Mutation.versionDeleted(name, version));
      return null;
    });
  }

  // ------------------------------------------------------------------ aliases

  void setAlias(String name, String alias, int version) {
    RegistryCore.checkAlias(alias);
    if (governance.isProtected(alias)) {
      throw core.deny(name + "@" + alias, Action.MOVE_ALIAS, Map.of("version", version),
          "alias '" + alias + "' is protected: request a promotion (requestPromotion) to move it");
    }
    core.check(Action.MOVE_ALIAS, name);
    core.change(c -> {
      Governance.moveAlias(c, name, alias, version, "");
      return null;
    });
  }

  void overrideProtectedAlias(String name, String alias, int version, String reason) {
    RegistryCore.checkAlias(alias);
    Validation.name("reason", reason, 5000);
    core.check(Action.MOVE_PROTECTED_ALIAS, name);
    core.change(c -> {
      Governance.moveAlias(c, name, alias, version, "override: " + reason);
      return null;
    });
  }

  void deleteAlias(String name, String alias) {
    RegistryCore.checkAlias(alias);
    core.check(governance.isProtected(alias) ? Action.MOVE_PROTECTED_ALIAS : Action.MOVE_ALIAS, name);
    core.change(c -> {
      RegistryCore.requireModel(c.tx, name);
      Integer before = c.tx.aliases(name).get(alias);
      if (before == null) {
        throw new NotFoundException("alias '" + alias + "' of model '" + name + "' does not exist");
      }
      c.tx.deleteAlias(name, alias);
      c.record(Mutation.aliasDeleted(name, alias, before, ""));
      return null;
    });
  }

  private static Accessor modelAccessor(RegisteredModel m) {
    return key -> switch (key.kind()) {
      case TAG -> Evaluator.one(m.tags().get(key.name()));
      case ATTRIBUTE -> switch (key.name()) {
        case "name" -> List.of(m.name());
        case "description" -> List.of(m.description());
        case "creation_time" -> List.of((double) m.creationTime());
        case "last_updated_time" -> List.of((double) m.lastUpdatedTime());
        default -> List.of();
      };
      default -> List.of();
    };
  }
}
