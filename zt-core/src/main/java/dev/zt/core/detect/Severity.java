package dev.zt.core.detect;

/**
 * How bad a detector's finding is. The response engine maps severities and rule ids to actions; CRITICAL also forces
 * the subject's trust level to CRITICAL for a while.
 *
 * @since 0.1
 */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL
}
