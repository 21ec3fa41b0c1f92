/**
 * Not API: the SPIFFE Workload API's messages and gRPC stubs, generated at build time from
 * {@code src/main/proto/workloadapi.proto} (written from the SPIFFE Workload API's service definition, §3). Only
 * {@link dev.zt.spiffe.workload.WorkloadApiClient} uses them; the module does not export this package, and it changes
 * with the generator without notice. This file is the only hand-written one in the package.
 */
package dev.zt.spiffe.workload.internal.proto;
