package org.clusterdb.core.security;

/** A peer certificate's status, with the text the clustering page shows for it. */
public enum CertificateStatus {
  VALID("Valid"),
  NAME_MISMATCH("Invalid (Common Name in certificate does not match)"),
  EXPIRED("Invalid (expired)"),
  NOT_YET_VALID("Invalid (not yet valid)"),
  NOT_TRUSTED("Invalid (not trusted)");

  private final String text;

  CertificateStatus(String text) {
    this.text = text;
  }

  /** "Valid", or "Invalid (reason)". */
  public String text() {
    return text;
  }

  /** "Certificate: Valid", as the clustering page shows it beside a peer address. */
  public String display() {
    return "Certificate: " + text;
  }
}
