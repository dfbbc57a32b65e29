package dev.mlops.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The stored form of audit before/after states: what is written reads back field for field, whatever the values hold. */
class AuditFieldsTest {
  @Provide
  Arbitrary<Map<String, String>> states() {
    Arbitrary<String> hostile = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
        Arbitraries.of(";", "=", "\"", "\\", "{", "}", ";version=9", "\",\"version\":\"9", "\n", "\u202e", "").list().ofMaxSize(6)
            .map(l -> String.join("", l)));
    return Arbitraries.maps(hostile, hostile).ofMaxSize(5).map(LinkedHashMap::new);
  }

  @Property(tries = 2000)
  void whatIsWrittenReadsBackFieldForField(@ForAll("states") Map<String, String> state) {
    Map<String, String> read = AuditFields.read(AuditFields.write(state));
    assertEquals(state, read);
    assertEquals(List.copyOf(state.keySet()), List.copyOf(read.keySet()), "in the order written");
  }

  @Test
  void numbersBooleansAndListsReadAsTheirJson() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("version", 2);
    state.put("passed", true);
    state.put("gates", List.of(Map.of("gate", "g")));
    assertEquals(Map.of("version", "2", "passed", "true", "gates", "[{\"gate\":\"g\"}]"), AuditFields.read(AuditFields.write(state)));
    assertEquals("", AuditFields.write(Map.of()), "no state is stored as nothing");
  }

  @Test
  void theEarlierKeyValueFormReadsPairByPair() {
    assertEquals(Map.of("version", "2"), AuditFields.read("version=2"));
    assertEquals(Map.of("request", "r-1", "version", "2", "gates", "PASS tag qa = passed (tag qa = passed)"),
        AuditFields.read("request=r-1;version=2;gates=PASS tag qa = passed (tag qa = passed)"));
    assertEquals("2", AuditFields.read("request=r-1;version=2;gates=FAIL (tag qa = passed;version=1)").get("version"),
        "where a value repeated a key, the first occurrence stands");
    assertEquals(Map.of(), AuditFields.read("rejected by bob"));
    assertEquals(Map.of(), AuditFields.read("MOVE_ALIAS version=3"));
    assertEquals(Map.of(), AuditFields.read("{not json"));
    assertEquals(Map.of(), AuditFields.read(""));
  }
}
