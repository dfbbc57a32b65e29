package dev.mlops.spark;

/**
 * A column of a DataFrame that was not profiled, and why.
 *
 * @param name the column's name
 * @param type the column's Spark SQL type, as {@code DataType.simpleString()} gives it ({@code array<int>}, {@code timestamp})
 * @param reason why the library does not profile a column of that type, and what to do instead
 */
public record SkippedColumn(String name, String type, String reason) implements java.io.Serializable {}
