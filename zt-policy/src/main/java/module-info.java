/**
 * zt-policy: policy as code. A {@code zt-policy.yaml} file, schema-validated and self-tested, to the same immutable
 * enforcer the builders make; hot reload; the audit export and its replay.
 */
module dev.zt.policy {
  requires transitive dev.zt.core;
  requires org.snakeyaml.engine;
  requires com.networknt.schema;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.zt.policy;
}
