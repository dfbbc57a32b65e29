package dev.mlops.monitoring;

/**
 * A raised alert.
 *
 * @param monitor the monitor's name
 * @param rule the rule's name
 * @param window the window index that raised it
 * @param time epoch ms
 * @param message what happened, with the observed values
 */
public record Alert(String monitor, String rule, long window, long time, String message) {}
