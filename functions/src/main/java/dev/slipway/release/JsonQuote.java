package dev.slipway.release;

import dev.slipway.json.JsonField;

/** Quotes a value for a problem message (see {@link JsonField#quote}). */
final class JsonQuote {
  private JsonQuote() {}

  static String of(String value) {
    return JsonField.quote(value);
  }
}
