package dev.slipway.release;

import java.util.Objects;

/**
 * One vulnerability finding in an image: its id (CVE, GHSA or Go id), severity, and the package it
 * is in, as ECR or Inspector reports it.
 */
public record Finding(String id, Severity severity, String packageName, String packageVersion) {
  public Finding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(severity, "severity");
  }
}
