/**
 * A SPIFFE Workload API client ({@link dev.zt.spiffe.workload.WorkloadApiClient}): fetches this workload's X.509-SVID
 * and bundles from the local Workload Endpoint over a Unix domain socket, keeps a {@link dev.zt.spiffe.X509Source}
 * current as they rotate, and fetches JWT-SVIDs and JWT bundles. Generated gRPC stubs live in
 * {@code dev.zt.spiffe.workload.internal.proto} and are not API.
 *
 * @since 0.1
 */
package dev.zt.spiffe.workload;
