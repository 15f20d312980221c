package org.clusterdb.server.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4: every sample must belong
 * to a family declared by a {@code # TYPE} line before it, with a name that family allows, labels
 * well-formed and escaped, a value Prometheus reads, and no sample given twice. Anything else
 * throws, naming the line.
 */
record PrometheusText(Map<String, String> types, List<Sample> samples) {
  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (\\S+) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP (\\S+)(?: .*)?");
  private static final Pattern VALUE =
      Pattern.compile(
          "[+-]?(?:Inf|NaN|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?)");

  static PrometheusText parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      int number = n + 1;
      if (line.isEmpty()) {
        if (n != lines.length - 1) {
          throw bad(number, "empty line inside the exposition");
        }
        continue;
      }
      if (line.startsWith("#")) {
        Matcher type = TYPE.matcher(line);
        if (type.matches()) {
          name(type.group(1), number);
          if (types.put(type.group(1), type.group(2)) != null) {
            throw bad(number, "second TYPE for " + type.group(1));
          }
        } else if (line.startsWith("# TYPE")
            || (line.startsWith("# HELP") && !HELP.matcher(line).matches())) {
          throw bad(number, "malformed " + line);
        }
        continue;
      }
      Sample s = sample(line, number);
      String family = family(s.name(), types);
      if (family == null) {
        throw bad(number, "sample " + s.name() + " has no TYPE before it");
      }
      if (!seen.add(s.name() + s.labels())) {
        throw bad(number, "duplicate sample " + s.name() + s.labels());
      }
      samples.add(s);
    }
    if (!text.endsWith("\n")) {
      throw bad(lines.length, "the exposition must end with a line feed");
    }
    return new PrometheusText(types, samples);
  }

  /** The declared family a sample name belongs to, by the suffixes its type allows. */
  private static String family(String name, Map<String, String> types) {
    for (Map.Entry<String, String> t : types.entrySet()) {
      String f = t.getKey();
      List<String> allowed =
          switch (t.getValue()) {
            case "counter" -> List.of("", "_total", "_created");
            case "histogram" -> List.of("_bucket", "_count", "_sum", "_created");
            case "summary" -> List.of("", "_count", "_sum", "_created");
            default -> List.of("");
          };
      for (String suffix : allowed) {
        if (name.equals(f + suffix)) {
          return f;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, int number) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = name(line.substring(0, i), number);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw bad(number, "label without '='");
        }
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw bad(number, "bad label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw bad(number, "label " + label + " value not quoted");
        }
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = j + 1 < line.length() ? line.charAt(++j) : ' ';
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw bad(number, "bad escape \\" + e);
            }
          } else {
            value.append(c);
          }
        }
        if (j >= line.length()) {
          throw bad(number, "unterminated label value");
        }
        if (labels.put(label, value.toString()) != null) {
          throw bad(number, "label " + label + " given twice");
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        } else if (i >= line.length() || line.charAt(i) != '}') {
          throw bad(number, "expected ',' or '}' after label " + label);
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw bad(number, "expected a space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()) {
      throw bad(number, "bad value '" + line.substring(i + 1) + "'");
    }
    if (rest.length == 2 && !rest[1].matches("-?[0-9]+")) {
      throw bad(number, "bad timestamp '" + rest[1] + "'");
    }
    return new Sample(name, labels, value(rest[0]));
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN", "+NaN", "-NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static String name(String name, int number) {
    if (!NAME.matcher(name).matches()) {
      throw bad(number, "bad metric name '" + name + "'");
    }
    return name;
  }

  private static IllegalArgumentException bad(int line, String message) {
    return new IllegalArgumentException("line " + line + ": " + message);
  }

  /** The samples named {@code name} whose labels include {@code labels}. */
  List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  /** The sum of {@link #find}'s values; 0 when none matches. */
  double sum(String name, Map<String, String> labels) {
    return find(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Values of one label over the samples named {@code name}. */
  Map<String, Double> byLabel(String name, String label) {
    Map<String, Double> out = new HashMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && s.labels().containsKey(label)) {
        out.merge(s.labels().get(label), s.value(), Double::sum);
      }
    }
    return out;
  }
}
