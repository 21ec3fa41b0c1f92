package dev.zt.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when, by its end, Netty reported a leaked buffer or BlockHound caught a blocking call on an
 * event loop. Every Netty test class of this module carries it.
 */
public final class NoLeaksOrBlocking implements BeforeAllCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    NettyTestEnvironment.install(); // in case the launcher session listener was not loaded
  }

  @Override
  public void afterAll(ExtensionContext context) {
    assertThat(NettyTestEnvironment.leaks()).as("buffers leaked (paranoid leak detection)").isEmpty();
    assertThat(NettyTestEnvironment.blockingCalls()).as("blocking calls on an event loop (BlockHound)").isEmpty();
  }
}
