/** zt-spiffe-workload: SVIDs and trust bundles from a SPIFFE Workload API (SPIRE agent) over its Unix socket. */
module dev.zt.spiffe.workload {
  requires transitive dev.zt.spiffe;
  requires com.google.common;
  requires com.google.protobuf;
  requires io.grpc;
  requires io.grpc.stub;
  requires io.grpc.protobuf;
  requires io.grpc.netty.shaded;
  requires org.slf4j;

  exports dev.zt.spiffe.workload;
}
