package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

/** {@link MessageKinds}: the same answers as {@code instanceof}, for each of Netty's HTTP message classes. */
class MessageKindsTests {

  private final MessageKinds kinds = new MessageKinds();

  @Test
  void ofWhenEachHttpMessageClassThenItsInterfaces() {
    var request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    var full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.EMPTY_BUFFER);
    var content = new DefaultHttpContent(Unpooled.EMPTY_BUFFER);
    var last = new DefaultLastHttpContent();
    var response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    var fullResponse = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);

    assertThat(kinds.of(request)).isEqualTo(MessageKinds.REQUEST);
    assertThat(kinds.of(full)).isEqualTo(MessageKinds.REQUEST | MessageKinds.CONTENT | MessageKinds.LAST
        | MessageKinds.FULL_REQUEST);
    assertThat(kinds.of(content)).isEqualTo(MessageKinds.CONTENT);
    assertThat(kinds.of(last)).isEqualTo(MessageKinds.CONTENT | MessageKinds.LAST);
    assertThat(kinds.of(LastHttpContent.EMPTY_LAST_CONTENT)).isEqualTo(MessageKinds.CONTENT | MessageKinds.LAST);
    assertThat(kinds.of(response)).isEqualTo(MessageKinds.RESPONSE);
    assertThat(kinds.of(fullResponse)).isEqualTo(MessageKinds.RESPONSE | MessageKinds.CONTENT
        | MessageKinds.LAST);
    assertThat(kinds.of("not http")).isZero();
    assertThat(kinds.of(Unpooled.EMPTY_BUFFER)).isZero();
    // more classes than the instance remembers: evicted ones are found again with the same answer
    assertThat(kinds.of(request)).isEqualTo(MessageKinds.REQUEST);
    assertThat(kinds.of(last)).isEqualTo(MessageKinds.CONTENT | MessageKinds.LAST);
    assertThat(new MessageKinds().of(full)).isEqualTo(kinds.of(full));
    full.release();
    fullResponse.release();
  }
}
