package dev.mlops.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Listener fan-out: in order, each failure isolated, logged and counted. */
class ListenersTest {
  final Listeners<Consumer<String>> listeners = new Listeners<>("test listener");
  final List<String> heard = new ArrayList<>();

  @Test
  void listenersAreToldInTheOrderTheyWereAdded() {
    listeners.add(e -> heard.add("first " + e));
    listeners.add(e -> heard.add("second " + e));
    assertEquals(0, listeners.fire(l -> l.accept("x"), "x"));
    assertEquals(List.of("first x", "second x"), heard);
  }

  @Test
  void aFailingListenerIsCountedAndTheOthersAreStillTold() {
    listeners.add(e -> {
      throw new IllegalStateException("runtime");
    });
    listeners.add(e -> {
      throw new AssertionError("an error");
    });
    listeners.add(e -> heard.add(e));
    assertEquals(2, listeners.fire(l -> l.accept("x"), "x"));
    assertEquals(List.of("x"), heard);
    assertEquals(2, listeners.failures());
  }

  @Test
  void checkedExceptionsOfTheCallAreIsolatedToo() {
    Listeners<Runnable> rs = new Listeners<>("test");
    rs.add(() -> heard.add("told"));
    rs.add(() -> heard.add("told again"));
    int failed = rs.fire(r -> {
      if (heard.isEmpty()) {
        r.run();
        throw new java.io.IOException("checked");
      }
      r.run();
    }, "event");
    assertEquals(1, failed);
    assertEquals(List.of("told", "told again"), heard);
  }

  @Test
  void aRemovedListenerIsNotTold() {
    Consumer<String> l = heard::add;
    listeners.add(l);
    assertTrue(listeners.remove(l));
    assertFalse(listeners.remove(l));
    assertTrue(listeners.isEmpty());
    listeners.fire(x -> x.accept("x"), "x");
    assertEquals(List.of(), heard);
  }

  @Test
  void aListenerAddedDuringAFiringIsToldFromTheNextFiring() {
    listeners.add(e -> {
      heard.add("outer " + e);
      if (listeners.size() == 1) {
        listeners.add(x -> heard.add("inner " + x));
      }
    });
    listeners.fire(l -> l.accept("1"), "1");
    listeners.fire(l -> l.accept("2"), "2");
    assertEquals(List.of("outer 1", "outer 2", "inner 2"), heard);
  }

  @Test
  void aNullListenerIsRefusedByName() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> listeners.add(null));
    assertTrue(e.getMessage().contains("listener"), e.getMessage());
  }
}
