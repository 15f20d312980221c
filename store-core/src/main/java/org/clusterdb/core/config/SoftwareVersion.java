package org.clusterdb.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This build's version, as Maven stamped it. */
public final class SoftwareVersion {
  /** The version of this build of clusterdb. */
  public static final String CURRENT = load();

  private SoftwareVersion() {}

  private static String load() {
    try (InputStream in =
        SoftwareVersion.class.getResourceAsStream("/org/clusterdb/core/version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties missing from the store-core jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
