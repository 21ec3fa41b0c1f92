package dev.zt.spiffe.workload;


import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.zt.spiffe.workload.internal.proto.JWTBundlesResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the Workload API sends is input: a bundle that is not a JSON object is refused with a clear error. */
class ResponsesTests {

  @ParameterizedTest
  @ValueSource(strings = {"null", " null ", "[]", "\"keys\"", "42"})
  void jwtBundlesWhenBundleIsNotAJsonObjectThenWorkloadApiException(String json) {
    JWTBundlesResponse response = JWTBundlesResponse.newBuilder()
        .putBundles("example.org", ByteString.copyFromUtf8(json)).build();
    assertThatThrownBy(() -> Responses.jwtBundles(response)).isInstanceOf(WorkloadApiException.class)
        .hasMessageContaining("example.org");
  }

  @Test
  void jwtBundlesWhenBundleHasNoKeysMemberThenWorkloadApiException() {
    JWTBundlesResponse response = JWTBundlesResponse.newBuilder()
        .putBundles("example.org", ByteString.copyFromUtf8("{}")).build();
    assertThatThrownBy(() -> Responses.jwtBundles(response)).isInstanceOf(WorkloadApiException.class);
  }
}
