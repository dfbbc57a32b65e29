package dev.mlops.api.registry;

/**
 * One input feature of a model signature.
 *
 * @param name feature name
 * @param type a type name such as {@code double}, {@code categorical}, {@code string}
 */
public record FeatureSpec(String name, String type) {}
