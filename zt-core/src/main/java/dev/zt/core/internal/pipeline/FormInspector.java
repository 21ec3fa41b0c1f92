package dev.zt.core.internal.pipeline;

/**
 * Inspects a request's URL-encoded form once every gate allowed it: first what its header fields say of the body
 * (before the body is asked for), then the fields themselves.
 */
public interface FormInspector {

  /** The gate name denials are recorded under. */
  String name();

  /** What the header fields alone refuse (a declared length over the limit, a wrong charset). */
  Step inspectHeaders(RequestState state);

  /** The form's fields, once read. */
  Step inspect(RequestState state);
}
