package org.clusterdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

class MainHelpTest {
  /**
   * Picocli formats option descriptions with String.format: a bare '%' makes it print a warning and
   * the unformatted text instead of the help.
   */
  @Test
  void everyOptionDescriptionIsAValidFormat() {
    int checked = 0;
    for (Field f : Main.class.getDeclaredFields()) {
      Option option = f.getAnnotation(Option.class);
      if (option == null) {
        continue;
      }
      for (String line : option.description()) {
        assertThatCode(() -> String.format(line))
            .as("description of %s", f.getName())
            .doesNotThrowAnyException();
        checked++;
      }
    }
    assertThat(checked).isPositive();
    String usage = new CommandLine(new Main()).getUsageMessage().replaceAll("\\s+", " ");
    assertThat(usage).contains("(50% write, 50% linearizable read");
  }
}
