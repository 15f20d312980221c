/**
 * The configuration file of a {@code clusterdb server} process: the typed {@link
 * org.clusterdb.server.config.ServerConfig}, its YAML format ({@link
 * org.clusterdb.server.config.ConfigLoader}, {@link
 * org.clusterdb.server.config.ServerConfig#toYaml()}) and {@link
 * org.clusterdb.server.config.ConfigException}, which lists every problem of a file at once, each
 * with its field and line. The format is described in {@code docs/configuration.md}.
 */
package org.clusterdb.server.config;
