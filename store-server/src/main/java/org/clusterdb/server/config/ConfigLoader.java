package org.clusterdb.server.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.core.config.TlsFiles;
import org.clusterdb.core.config.WritePolicy;
import org.clusterdb.server.config.ConfigException.Problem;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads a {@link ServerConfig} from its YAML file. Every problem in the file is reported at once,
 * each with its field and line, in one {@link ConfigException}: YAML syntax (alone, as nothing else
 * can be read then), unknown or duplicate keys, values of the wrong type or notation, missing
 * required fields, and then every problem of {@link ServerConfig#problems()} that is not about a
 * field already reported. Nothing else is thrown. Stateless and thread-safe.
 */
public final class ConfigLoader {
  private static final String FILE = "file";
  private static final String YAML = "yaml";
  private static final Pattern CONTROL = Pattern.compile("\\s*\\p{Cntrl}+\\s*");

  /**
   * The cross-field checks of {@link ServerConfig#problems()}: a field, and those it is compared
   * with.
   */
  private static final Map<String, List<String>> COMPARED_WITH =
      Map.of(
          "cluster.primary", List.of("cluster.peers"),
          "raft.electionTimeoutMax", List.of("raft.electionTimeoutMin"),
          "requests.maxRequestBytes", List.of("requests.maxKeyBytes", "requests.maxValueBytes"),
          "raft.logSegmentBytes", List.of("requests.maxRequestBytes"));

  private ConfigLoader() {}

  /**
   * Reads the file at {@code file}, UTF-8; a relative {@code dataDir} or {@code
   * cluster.factoryResetRemoves} item is resolved against the file's directory. Problems name the
   * file as {@code file} was given.
   *
   * @throws ConfigException if the file cannot be read, or names every problem in it
   */
  public static ServerConfig load(Path file) {
    String source = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(source, List.of(new Problem(FILE, 0, "no such file")));
    } catch (AccessDeniedException e) {
      throw new ConfigException(source, List.of(new Problem(FILE, 0, "permission denied")));
    } catch (CharacterCodingException e) {
      throw new ConfigException(source, List.of(new Problem(FILE, 0, "not UTF-8 text")));
    } catch (IOException e) {
      throw new ConfigException(
          source, List.of(new Problem(FILE, 0, "cannot be read: " + e.getMessage())));
    }
    return new Reading(source, file.toAbsolutePath().getParent()).read(text);
  }

  /**
   * Reads configuration text; a relative {@code dataDir} or {@code cluster.factoryResetRemoves}
   * item stays relative.
   *
   * @param sourceName what problems name as their source, e.g. a file name
   * @throws ConfigException naming every problem in {@code text}
   */
  public static ServerConfig parse(String text, String sourceName) {
    return new Reading(sourceName, null).read(text);
  }

  /** One read of one text: the problems found so far and the line of every key seen. */
  private static final class Reading {
    private final String source;
    private final Path baseDir;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new HashMap<>();

    Reading(String source, Path baseDir) {
      this.source = source;
      this.baseDir = baseDir;
    }

    ServerConfig read(String text) {
      Node root;
      try {
        root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
      } catch (MarkedYAMLException e) {
        throw single(YAML, syntaxLine(e), "syntax error: " + syntaxMessage(e));
      } catch (ReaderException e) {
        throw single(YAML, lineAt(text, e.getPosition()), "syntax error: " + e.getMessage());
      } catch (YAMLException e) {
        throw single(YAML, 0, "syntax error: " + e.getMessage());
      }
      if (root == null) {
        throw single(YAML, 1, "the file is empty; it needs at least cluster, member and dataDir");
      }
      if (!(root instanceof MappingNode mapping)) {
        throw single(
            YAML,
            line(root),
            "expected a mapping of sections (cluster, member, ...), got " + kind(root));
      }
      ServerConfig config = readSections(new Section("", mapping, line(root)));
      Set<String> reported = problems.stream().map(Problem::field).collect(Collectors.toSet());
      for (Problem p : config.problems()) {
        if (!covered(p.field(), reported)) {
          problems.add(new Problem(p.field(), lineOf(p.field()), p.message()));
        }
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(source, problems);
      }
      return config;
    }

    private ServerConfig readSections(Section top) {
      ServerConfig.Builder b = ServerConfig.builder();
      Section cluster = top.section("cluster", true);
      cluster.string("name", true).ifPresent(b::clusterName);
      b.peers(peers(cluster));
      cluster.index("primary").ifPresent(b::primary);
      cluster.choice("writePolicy", WritePolicy.class).ifPresent(b::writePolicy);
      cluster.duration("healthCheckInterval").ifPresent(b::healthCheckInterval);
      cluster.duration("peerFailureTimeout").ifPresent(b::peerFailureTimeout);
      cluster.duration("syncCheckInterval").ifPresent(b::syncCheckInterval);
      cluster.choice("tlsMode", ClusteringSettings.TlsMode.class).ifPresent(b::tlsMode);
      cluster.choice("ipVersion", ClusteringSettings.IpVersion.class).ifPresent(b::ipVersion);
      cluster.flag("addressMapping").ifPresent(b::addressMapping);
      cluster.stringMap("mappings", "an FQDN", "an IP address").ifPresent(b::mappings);
      cluster.string("platform", false).ifPresent(b::platform);
      cluster.strings("optionKeys").ifPresent(b::optionKeys);
      cluster.string("softwareVersion", false).ifPresent(b::softwareVersion);
      cluster.duration("maxRoundTrip").ifPresent(b::maxRoundTrip);
      cluster.strings("factoryResetKeeps").ifPresent(b::factoryResetKeeps);
      cluster.paths("factoryResetRemoves").ifPresent(b::factoryResetRemoves);
      cluster.finish();
      top.string("member", true).ifPresent(b::memberId);
      top.directory("dataDir").ifPresent(b::dataDir);

      Section raft = top.section("raft", false);
      raft.duration("electionTimeoutMin").ifPresent(b::electionTimeoutMin);
      raft.duration("electionTimeoutMax").ifPresent(b::electionTimeoutMax);
      raft.count("snapshotEveryEntries", Long.MAX_VALUE).ifPresent(b::snapshotEveryEntries);
      raft.count("snapshotsRetained", Integer.MAX_VALUE)
          .ifPresent(v -> b.snapshotsRetained(v.intValue()));
      raft.size("logSegmentBytes", Long.MAX_VALUE).ifPresent(b::logSegmentBytes);
      raft.count("logPurgeGap", Integer.MAX_VALUE).ifPresent(v -> b.logPurgeGap(v.intValue()));
      raft.finish();

      Section requests = top.section("requests", false);
      requests.duration("timeout").ifPresent(b::requestTimeout);
      requests.size("maxKeyBytes", Integer.MAX_VALUE).ifPresent(v -> b.maxKeyBytes(v.intValue()));
      requests
          .size("maxValueBytes", Integer.MAX_VALUE)
          .ifPresent(v -> b.maxValueBytes(v.intValue()));
      requests.count("maxTxnOps", Integer.MAX_VALUE).ifPresent(v -> b.maxTxnOps(v.intValue()));
      requests
          .size("maxRequestBytes", Integer.MAX_VALUE)
          .ifPresent(v -> b.maxRequestBytes(v.intValue()));
      requests.finish();

      Section watch = top.section("watch", false);
      watch.count("historyRevisions", Long.MAX_VALUE).ifPresent(b::watchHistoryRevisions);
      watch.size("historyBytes", Long.MAX_VALUE).ifPresent(b::watchHistoryBytes);
      watch.size("maxPendingBytes", Long.MAX_VALUE).ifPresent(b::watchMaxPendingBytes);
      watch.finish();

      Section server = top.section("server", false);
      server.string("clientBindHost", false).ifPresent(b::clientBindHost);
      server.duration("shutdownGrace").ifPresent(b::shutdownGrace);
      server.index("httpPort").ifPresent(b::httpPort);
      server.string("httpBindHost", false).ifPresent(b::httpBindHost);
      server.flag("httpTls").ifPresent(b::httpTls);
      server.finish();

      Section log = top.section("log", false);
      log.file("dir").ifPresent(b::logDir);
      log.size("maxFileSize", Long.MAX_VALUE).ifPresent(b::logMaxFileBytes);
      log.size("totalSize", Long.MAX_VALUE).ifPresent(b::logTotalBytes);
      log.finish();

      Section tls = top.section("tls", false);
      Optional<Path> certificate = tls.file("certificate");
      Optional<Path> privateKey = tls.file("privateKey");
      Optional<List<Path>> trustedCas = tls.paths("trustedCas");
      if (certificate.isPresent() && privateKey.isPresent()) {
        b.tls(new TlsFiles(certificate.get(), privateKey.get(), trustedCas.orElse(List.of())));
      } else if (certificate.isPresent() || privateKey.isPresent() || trustedCas.isPresent()) {
        String missing = certificate.isPresent() ? "privateKey" : "certificate";
        problem(
            "tls." + missing,
            tls.line,
            "required with the rest of the tls section (certificate and privateKey go together)");
      }
      tls.finish();

      top.finish();
      return b.buildUnvalidated();
    }

    /**
     * Every peer entry in order, a bad one included with placeholder values: it keeps the indexes
     * of the entries after it, and the problems of its placeholders are covered by those reported.
     */
    private List<PeerEndpoint> peers(Section cluster) {
      List<PeerEndpoint> peers = new ArrayList<>();
      List<Node> items = cluster.sequence("peers").orElse(List.of());
      for (int i = 0; i < items.size(); i++) {
        Node item = items.get(i);
        String path = cluster.child("peers") + "[" + i + "]";
        lines.putIfAbsent(path, line(item));
        if (!(item instanceof MappingNode mapping)) {
          problem(
              path,
              line(item),
              "expected a peer (id, host, peerPort, clientPort), got " + kind(item));
          peers.add(new PeerEndpoint("", "", 0, 0));
          continue;
        }
        Section peer = new Section(path, mapping, line(item));
        peers.add(
            new PeerEndpoint(
                peer.string("id", true).orElse(""),
                peer.string("host", true).orElse(""),
                peer.port("peerPort").orElse(0),
                peer.port("clientPort").orElse(0)));
        peer.finish();
      }
      return peers;
    }

    /**
     * Whether {@code field}, a section or entry that holds it, or a field it is checked against
     * already has a problem: then the check saw a default, not what the file meant.
     */
    private static boolean covered(String field, Set<String> reported) {
      return reportedOrHeld(field, reported)
          || COMPARED_WITH.getOrDefault(field, List.of()).stream()
              .anyMatch(f -> reportedOrHeld(f, reported));
    }

    private static boolean reportedOrHeld(String field, Set<String> reported) {
      for (String f = field; ; f = parent(f)) {
        if (reported.contains(f)) {
          return true;
        }
        if (f.isEmpty()) {
          return false;
        }
      }
    }

    /** The line of {@code field}, else of the nearest section or entry that holds it. */
    private int lineOf(String field) {
      for (String f = field; ; f = parent(f)) {
        Integer line = lines.get(f);
        if (line != null || f.isEmpty()) {
          return line == null ? 1 : line;
        }
      }
    }

    private static String parent(String field) {
      int end = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
      return end < 0 ? "" : field.substring(0, end);
    }

    private void problem(String field, int line, String message) {
      problems.add(new Problem(oneLine(field), line, oneLine(message)));
    }

    private ConfigException single(String field, int line, String message) {
      return new ConfigException(source, List.of(new Problem(field, line, oneLine(message))));
    }

    /** The message has one line per problem, whatever a key or a SnakeYAML message holds. */
    private static String oneLine(String text) {
      return CONTROL.matcher(text.strip()).replaceAll(" ");
    }

    /**
     * One mapping of the file: its keys, read by the typed getters, which note each key as allowed.
     * An absent or mistyped section reads as empty and reports nothing more, so that one mistake is
     * reported once.
     */
    private final class Section {
      final String fieldPath;
      private final int line;
      private final boolean readable;
      private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
      private final Set<String> allowed = new LinkedHashSet<>();

      Section(String path, MappingNode mapping, int line) {
        this.fieldPath = path;
        this.line = line;
        this.readable = mapping != null;
        lines.putIfAbsent(path, line);
        if (mapping == null) {
          return;
        }
        for (NodeTuple tuple : mapping.getValue()) {
          if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
            problem(
                path.isEmpty() ? YAML : path,
                line(tuple.getKeyNode()),
                "keys must be plain names, got " + kind(tuple.getKeyNode()));
            continue;
          }
          String field = child(key.getValue());
          NodeTuple first = entries.putIfAbsent(key.getValue(), tuple);
          if (first != null) {
            problem(
                field, line(key), "duplicate key; first set at line " + line(first.getKeyNode()));
          } else {
            lines.put(field, line(key));
          }
        }
      }

      String child(String key) {
        return fieldPath.isEmpty() ? key : fieldPath + "." + key;
      }

      /** The value of {@code key}, if it is there; notes {@code key} as allowed. */
      private Optional<Node> value(String key, boolean required) {
        allowed.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
          if (required && readable) {
            problem(child(key), line, "required");
          }
          return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
      }

      Section section(String key, boolean required) {
        Optional<Node> node = value(key, required);
        if (node.isEmpty() || isNull(node.get())) {
          if (node.isPresent() && required) {
            problem(child(key), line(node.get()), "required, and has no value");
          }
          return new Section(child(key), null, node.map(ConfigLoader::line).orElse(line));
        }
        if (!(node.get() instanceof MappingNode mapping)) {
          problem(
              child(key), line(node.get()), "expected a section of keys, got " + kind(node.get()));
          return new Section(child(key), null, line(node.get()));
        }
        return new Section(child(key), mapping, lines.get(child(key)));
      }

      /** A list; {@code peers:} with no value is an empty list. */
      Optional<List<Node>> sequence(String key) {
        Optional<Node> node = value(key, true);
        if (node.isEmpty()) {
          return Optional.empty();
        }
        if (isNull(node.get())) {
          return Optional.of(List.of());
        }
        if (!(node.get() instanceof SequenceNode sequence)) {
          problem(child(key), line(node.get()), "expected a list, got " + kind(node.get()));
          return Optional.empty();
        }
        return Optional.of(sequence.getValue());
      }

      /**
       * An optional list of strings; {@code key:} with no value is an empty list. A bad item is
       * reported at its own line, and the list is then not read.
       */
      Optional<List<String>> strings(String key) {
        return list(key, "strings", "a string", Function.identity());
      }

      /**
       * An optional list of paths, read as {@link #strings}; a relative path is resolved as {@link
       * #directory} resolves one. An empty item stays empty, for {@link ServerConfig#problems()} to
       * report at its line.
       */
      Optional<List<Path>> paths(String key) {
        return list(
            key,
            "paths",
            "a path",
            text -> text.isBlank() ? Path.of(text) : resolved(Path.of(text)));
      }

      private <T> Optional<List<T>> list(
          String key, String expectedItems, String expectedItem, Function<String, T> parse) {
        Optional<Node> node = value(key, false);
        if (node.isEmpty() || isNull(node.get())) {
          return node.map(n -> List.of());
        }
        if (!(node.get() instanceof SequenceNode sequence)) {
          problem(
              child(key),
              line(node.get()),
              "expected a list of " + expectedItems + ", got " + kind(node.get()));
          return Optional.empty();
        }
        List<T> values = new ArrayList<>();
        boolean bad = false;
        for (int i = 0; i < sequence.getValue().size(); i++) {
          Node item = sequence.getValue().get(i);
          String path = child(key) + "[" + i + "]";
          lines.putIfAbsent(path, line(item));
          if (!(item instanceof ScalarNode scalar) || isNull(item)) {
            problem(
                path,
                line(item),
                "expected " + expectedItem + ", got " + (isNull(item) ? "no value" : kind(item)));
            bad = true;
            continue;
          }
          try {
            values.add(parse.apply(scalar.getValue()));
          } catch (IllegalArgumentException e) {
            problem(path, line(item), e.getMessage());
            bad = true;
          }
        }
        return bad ? Optional.empty() : Optional.of(values);
      }

      /** {@code true} or {@code false}, in any letter case. */
      Optional<Boolean> flag(String key) {
        return scalar(
            key,
            false,
            "true or false",
            text ->
                switch (text.toLowerCase(Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default ->
                      throw new IllegalArgumentException(
                          "unknown value '" + text + "': use true or false");
                });
      }

      /**
       * An optional section of string keys to string values, in the file's order; {@code key:} with
       * no value is empty. A bad entry is reported at its own line, as {@code key[name]}, and the
       * section is then not read.
       */
      Optional<Map<String, String>> stringMap(String key, String expectedKey, String expected) {
        Optional<Node> node = value(key, false);
        if (node.isEmpty() || isNull(node.get())) {
          return node.map(n -> Map.of());
        }
        if (!(node.get() instanceof MappingNode mapping)) {
          problem(
              child(key),
              line(node.get()),
              "expected a section of "
                  + expectedKey
                  + ": "
                  + expected
                  + " entries, got "
                  + kind(node.get()));
          return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        boolean bad = false;
        for (NodeTuple t : mapping.getValue()) {
          if (!(t.getKeyNode() instanceof ScalarNode k) || isNull(k)) {
            problem(child(key), line(t.getKeyNode()), "expected " + expectedKey + " as a key");
            bad = true;
            continue;
          }
          String path = child(key) + "[" + k.getValue() + "]";
          lines.putIfAbsent(path, line(k));
          if (!(t.getValueNode() instanceof ScalarNode v) || isNull(v)) {
            problem(path, line(t.getValueNode()), "expected " + expected);
            bad = true;
          } else if (values.putIfAbsent(k.getValue(), v.getValue()) != null) {
            problem(path, line(k), "duplicate key");
            bad = true;
          }
        }
        return bad ? Optional.empty() : Optional.of(values);
      }

      Optional<String> string(String key, boolean required) {
        return scalar(key, required, "a string", Function.identity());
      }

      /** An optional file path; a relative one is resolved as {@link #directory} resolves one. */
      Optional<Path> file(String key) {
        return path(key, false);
      }

      Optional<Path> directory(String key) {
        return path(key, true);
      }

      private Optional<Path> path(String key, boolean required) {
        return scalar(
            key,
            required,
            "a path",
            text -> {
              if (text.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
              }
              return resolved(Path.of(text));
            });
      }

      /** {@code p}, or against the file's directory if it is relative and read from a file. */
      private Path resolved(Path p) {
        return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize();
      }

      Optional<Integer> port(String key) {
        return scalar(
            key,
            true,
            "a port number",
            text -> (int) Units.parseCount(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
      }

      /** A whole number whose range {@link ServerConfig#problems()} checks, naming it. */
      Optional<Integer> index(String key) {
        return scalar(
            key,
            false,
            "a whole number",
            text -> (int) Units.parseCount(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
      }

      /** One of {@code type}'s constants, in any letter case. */
      <E extends Enum<E>> Optional<E> choice(String key, Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        String allowed =
            names.size() == 1
                ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1))
                    + " or "
                    + names.get(names.size() - 1);
        return scalar(
            key,
            false,
            allowed,
            text -> {
              String name = text.toUpperCase(Locale.ROOT);
              if (!names.contains(name)) {
                throw new IllegalArgumentException("unknown value '" + text + "': use " + allowed);
              }
              return Enum.valueOf(type, name);
            });
      }

      Optional<Long> count(String key, long max) {
        return scalar(key, false, "a whole number", text -> Units.parseCount(text, 0, max));
      }

      Optional<Long> size(String key, long max) {
        return scalar(
            key, false, "a size such as 4096 or 8MiB", text -> Units.parseSize(text, 0, max));
      }

      Optional<Duration> duration(String key) {
        return scalar(key, false, "a duration such as 10s", Units::parseDuration);
      }

      private <T> Optional<T> scalar(
          String key, boolean required, String expected, Function<String, T> parse) {
        Optional<Node> node = value(key, required);
        if (node.isEmpty()) {
          return Optional.empty();
        }
        if (!(node.get() instanceof ScalarNode scalar)) {
          problem(
              child(key), line(node.get()), "expected " + expected + ", got " + kind(node.get()));
          return Optional.empty();
        }
        if (isNull(scalar)) {
          problem(child(key), line(scalar), "has no value; expected " + expected);
          return Optional.empty();
        }
        try {
          return Optional.of(parse.apply(scalar.getValue()));
        } catch (IllegalArgumentException e) {
          problem(child(key), line(scalar), e.getMessage());
          return Optional.empty();
        }
      }

      /** Reports every key that no getter asked for; call after all of them. */
      void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
          String key = e.getKey();
          if (!allowed.contains(key)) {
            problem(
                child(key),
                line(e.getValue().getKeyNode()),
                "unknown field" + suggestion(key) + "; allowed: " + String.join(", ", allowed));
          }
        }
      }

      /** The allowed key a typo most likely meant: one edit away, two for longer keys. */
      private String suggestion(String key) {
        String typed = key.toLowerCase(Locale.ROOT);
        int tolerance = typed.length() <= 5 ? 1 : 2;
        return allowed.stream()
            .filter(a -> distance(a.toLowerCase(Locale.ROOT), typed) <= tolerance)
            .min(Comparator.comparingInt(a -> distance(a.toLowerCase(Locale.ROOT), typed)))
            .map(a -> " (did you mean " + a + "?)")
            .orElse("");
      }
    }
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  private static int line(Node node) {
    Mark mark = node.getStartMark();
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a section of keys";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "'" + ((ScalarNode) node).getValue() + "'";
  }

  private static int syntaxLine(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static String syntaxMessage(MarkedYAMLException e) {
    return Stream.of(e.getContext(), e.getProblem())
        .filter(s -> s != null && !s.isBlank())
        .collect(Collectors.joining(": "));
  }

  private static int lineAt(String text, int codePointIndex) {
    return 1
        + (int) text.codePoints().limit(Math.max(0, codePointIndex)).filter(c -> c == '\n').count();
  }

  /** Levenshtein distance, for suggesting the key a typo meant. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
