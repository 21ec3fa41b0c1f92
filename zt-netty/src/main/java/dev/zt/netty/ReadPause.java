package dev.zt.netty;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;

/**
 * Pauses reading while a decision is pending (Netty's {@code AbstractSniHandler} pattern): {@code autoRead} off,
 * remembering that zt turned it off, and a {@code read()} the application issues meanwhile held until reading
 * resumes. Confined to the event loop.
 */
final class ReadPause {

  private boolean paused;
  private boolean restoreAutoRead;
  private boolean readHeld;

  boolean paused() {
    return paused;
  }

  void pause(ChannelHandlerContext ctx) {
    if (paused) {
      return;
    }
    paused = true;
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead()) {
      config.setAutoRead(false);
      restoreAutoRead = true;
    }
  }

  void resume(ChannelHandlerContext ctx) {
    if (!paused) {
      return;
    }
    paused = false;
    if (restoreAutoRead) {
      restoreAutoRead = false;
      readHeld = false;
      ctx.channel().config().setAutoRead(true); // reads again at once
    } else if (readHeld) {
      readHeld = false;
      ctx.read();
    }
  }

  /** An outbound {@code read()}: held while paused, else passed on. */
  void read(ChannelHandlerContext ctx) {
    if (paused) {
      readHeld = true;
    } else {
      ctx.read();
    }
  }

  /** While a form is read for its decision the application has not seen the request: read for it if it would not. */
  void readOnIfNeeded(ChannelHandlerContext ctx) {
    if (!paused && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  /** The handler leaves the pipeline: autoRead back on if zt turned it off. */
  void removed(ChannelHandlerContext ctx) {
    if (restoreAutoRead) {
      restoreAutoRead = false;
      ctx.channel().config().setAutoRead(true);
    }
  }
}
