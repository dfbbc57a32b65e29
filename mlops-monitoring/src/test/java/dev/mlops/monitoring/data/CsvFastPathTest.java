package dev.mlops.monitoring.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mlops.api.InvalidArgumentException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file is split straight from its bytes when it is simple CSV and read with Jackson's CSV parser
 * otherwise (text in memory always is): both give the same table and the same errors, whether the
 * file is simple throughout, turns out not to be after many rows, or never was.
 */
class CsvFastPathTest {
  @TempDir
  Path dir;

  private static final String[] FILES = {
      "a,b,c\n1.5,x,3\n2.25,y,\n-3e2,x,NA\n",
      "a,b\r\n1,2\r\n3,4\r\n",                                      // CRLF
      "\n\na,b\n\n1,2\n\n\n3,4",                                    // empty lines, no final newline
      " a , b \n 1.5 , web \n\t2\t,app\n",                          // blanks around cells and names
      "n,label\n1,a\n2,b\n3,\"quoted, late\"\n",                   // a quote after the first rows: the parser reads it
      "\uFEFFa,b\n1,café\n2,thé\n",                                 // a byte-order mark and UTF-8 text
      "a,b\n1,2\n   \n3,4\n",                                       // a line of blanks
      "x\nNaN\nnull\nInfinity\n0x1p3\n-0\n",                        // the JDK's spellings and missing tokens
      "code,v\n1.0,1\n01,2\nA7,3\nA7,4\nB,5\n",                     // a column that turns categorical on row 3
  };

  private Table fromFile(String csv) throws Exception {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, csv, StandardCharsets.UTF_8);
    return Table.readCsv(f, Set.of());
  }

  @Test
  void theBytesPathAndTheParserGiveTheSameTables() throws Exception {
    for (String csv : FILES) {
      Table fast = fromFile(csv);
      Table general = Table.readCsv(new StringReader(csv), Set.of(), "t.csv");
      assertEquals(general.columns().keySet(), fast.columns().keySet(), csv);
      assertEquals(general.rows(), fast.rows(), csv);
      for (String name : general.columns().keySet()) {
        Column g = general.column(name);
        Column f = fast.column(name);
        assertEquals(g.type(), f.type(), csv + " " + name);
        if (g.type() == Column.Type.NUMERICAL) {
          assertArrayEquals(g.numbers(), f.numbers(), 0.0, csv + " " + name);
        } else {
          assertArrayEquals(g.categories(), f.categories(), csv + " " + name);
        }
      }
    }
  }

  @Test
  void errorsNameTheSameLineOnBothPaths() throws Exception {
    for (String csv : new String[] {"a,b\n1,2\n\n3\n", "a,b\n1,2\r\n3,4,5\r\n", "a,b\n1,2\n3,\"4\n5,6\n", "\n\n", "a,b\n1,x\n2,3\n4,5\n", "a,b,\n1,2,\n", "a,b\n1,2,\n"}) {
      String general = assertThrows(InvalidArgumentException.class, () -> Table.readCsv(new StringReader(csv), Set.of(), "t.csv"))
          .getMessage();
      String fast = assertThrows(InvalidArgumentException.class, () -> fromFile(csv)).getMessage();
      assertEquals(general.replaceFirst("^csv file = '[^']*'", ""), fast.replaceFirst("^csv file = '[^']*'", ""), csv);
    }
  }
}
