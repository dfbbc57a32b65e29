package dev.mlops.api.registry;

import java.util.Map;

/**
 * A named model whose versions are registered over time.
 *
 * @param name unique name
 * @param description free text
 * @param creationTime epoch ms
 * @param lastUpdatedTime epoch ms
 * @param tags model tags
 * @param nextVersion the number the next registered version gets; never decreases, so deleted numbers are not reused
 */
public record RegisteredModel(String name, String description, long creationTime, long lastUpdatedTime, Map<String, String> tags,
    int nextVersion) {
  /** The canonical constructor: collections are copied and immutable; null strings become empty. */
  public RegisteredModel {
    tags = Map.copyOf(tags);
    description = description == null ? "" : description;
  }

  /** A copy with other tags and update time. */
  public RegisteredModel withTags(Map<String, String> newTags, long time) {
    return new RegisteredModel(name, description, creationTime, time, newTags, nextVersion);
  }
}
