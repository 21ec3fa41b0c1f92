package dev.zt.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zt.core.RequestContext;
import dev.zt.core.internal.ClientAddresses;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Typed slots of the per-request state: allocated while assembling, read and written by index, no boxing. */
class SlotsTests {

  private static RequestState state(Slots slots) {
    return new RequestState(RequestContext.builder("GET", "/a").build(), "/a", null,
        new ClientAddresses.Client(Optional.empty(), false), 0L, slots);
  }

  @Test
  void getWhenSlotNeverWrittenThenNullOrTheInitialValue() {
    Slots slots = new Slots();
    Slot<String> name = slots.slot("name");
    LongSlot index = slots.longSlot("index", -1);
    LongSlot count = slots.longSlot("count", 0);
    RequestState s = state(slots.freeze());

    assertThat(s.get(name)).isNull();
    assertThat(s.get(index)).isEqualTo(-1);
    assertThat(s.get(count)).isZero();
  }

  @Test
  void setWhenWrittenThenEachSlotKeepsItsOwnValue() {
    Slots slots = new Slots();
    Slot<String> first = slots.slot("first");
    Slot<Integer[]> second = slots.slot("second");
    LongSlot index = slots.longSlot("index", -1);
    LongSlot bits = slots.longSlot("score", 0);
    RequestState s = state(slots.freeze());

    s.set(first, "one");
    s.set(index, 0);
    s.set(bits, Double.doubleToRawLongBits(0.75));

    assertThat(s.get(first)).isEqualTo("one");
    assertThat(s.get(second)).isNull();
    assertThat(s.get(index)).as("0 written over an initial -1 reads 0, not the initial value").isZero();
    assertThat(Double.longBitsToDouble(s.get(bits))).isEqualTo(0.75);
  }

  @Test
  void setWhenTwoRequestsThenSlotsAreNotShared() {
    Slots slots = new Slots();
    Slot<String> slot = slots.slot("x");
    slots.freeze();
    RequestState one = state(slots);
    RequestState two = state(slots);

    one.set(slot, "one");

    assertThat(two.get(slot)).isNull();
  }

  @Test
  void slotWhenLayoutFrozenThenRefused() {
    Slots slots = new Slots().freeze();

    assertThatThrownBy(() -> slots.slot("late")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> slots.longSlot("late", 0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void pipelineSlotsWhenStateBuiltOutsideAnEnforcerThenStillWork() {
    RequestState s = new RequestState(RequestContext.builder("GET", "/a").build(), "/a", null);

    assertThat(s.routeSlot()).isEqualTo(-1);
    s.routeSlot(3);
    s.countInspected();
    s.countInspected();

    assertThat(s.routeSlot()).isEqualTo(3);
    assertThat(s.inspectedFields()).isEqualTo(2);
    assertThat(s.trust()).isEmpty();
    assertThat(s.responseHeaders()).isEmpty();
    assertThat(s.forwarded()).isEmpty();
  }

  @Test
  void addResponseHeaderWhenNameTwiceOrValueWithLineBreakThenRefused() {
    RequestState s = new RequestState(RequestContext.builder("GET", "/a").build(), "/a", null);
    s.addResponseHeader("DPoP-Nonce", "n1");

    assertThatThrownBy(() -> s.addResponseHeader("dpop-nonce", "n2")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.addResponseHeader("X-Evil", "a\r\nSet-Cookie: x=1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.addResponseHeader("Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThat(s.responseHeaders()).containsExactly(java.util.Map.entry("DPoP-Nonce", "n1"));
  }
}
