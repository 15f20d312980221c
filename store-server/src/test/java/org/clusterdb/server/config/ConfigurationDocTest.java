package org.clusterdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/configuration.md stays true: its example loads, its defaults and its error output are real.
 */
@Timeout(30)
class ConfigurationDocTest {
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| [^|]+ \\| ([^|]+) \\|");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  static List<String> doc;

  @BeforeAll
  static void read() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("docs/configuration.md"))) {
      dir = dir.getParent();
      assertThat(dir).as("docs/configuration.md above the working directory").isNotNull();
    }
    doc = Files.readAllLines(dir.resolve("docs/configuration.md"));
  }

  /** The fenced block after {@code <!-- doc-test:name -->}. */
  private static String block(String name) {
    int start = doc.indexOf("<!-- doc-test:" + name + " -->");
    assertThat(start).as("marker %s", name).isNotNegative();
    assertThat(doc.get(start + 1)).startsWith("```");
    StringBuilder text = new StringBuilder();
    for (int i = start + 2; !doc.get(i).equals("```"); i++) {
      text.append(doc.get(i)).append('\n');
    }
    return text.toString();
  }

  private static ServerConfig example() {
    return ConfigLoader.parse(block("example"), "example").toBuilder()
        .dataDir(Path.of("/etc/clusterdb/data/p1"))
        .build();
  }

  private static Map<String, String> described(ServerConfig config) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : config.describe().split(" ")) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return values;
  }

  @Test
  void exampleLoadsAndIsDescribedAsShown() {
    assertThat(example().describe() + "\n").isEqualTo(block("describe"));
  }

  @Test
  void badFileGivesTheOutputShown() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.parse(block("bad-file"), "peer.yaml"));

    assertThat(e.getMessage() + "\n").isEqualTo(block("bad-file-output"));
  }

  @Test
  void tablesStateTheRealDefaultsOfEveryField() {
    ServerConfig minimal = ConfigLoaderTest.minimalFile();
    Map<String, String> defaults = described(minimal);
    List<String> documented = new ArrayList<>();
    Set<String> checked = new HashSet<>();
    for (String line : doc) {
      Matcher row = ROW.matcher(line);
      if (!row.find()) {
        continue;
      }
      String field = row.group(1);
      documented.add(field);
      Matcher code = CODE.matcher(row.group(2).trim());
      if (code.matches() && defaults.containsKey(field)) {
        assertThat(code.group(1)).as("default of %s", field).isEqualTo(defaults.get(field));
        checked.add(field);
      }
    }

    assertThat(documented).containsAll(defaults.keySet());
    Set<String> withoutConstant =
        Set.of(
            "cluster.name",
            "cluster.peers",
            "member",
            "dataDir",
            "server.clientBindHost",
            "server.httpBindHost");
    assertThat(checked)
        .containsExactlyInAnyOrderElementsOf(
            defaults.keySet().stream().filter(k -> !withoutConstant.contains(k)).toList());
    assertThat(defaults.get("server.clientBindHost")).isEqualTo(minimal.self().host());
    assertThat(defaults.get("server.httpBindHost")).isEqualTo(minimal.self().host());
  }
}
