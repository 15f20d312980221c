/** The one configuration record of an embedded member, its named defaults and validation. */
package org.clusterdb.core.config;
