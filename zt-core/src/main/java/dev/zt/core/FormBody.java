package dev.zt.core;

import static dev.zt.core.internal.Encodings.hexValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The body of an {@code application/x-www-form-urlencoded} request (WHATWG URL Standard §5), as an adapter read it
 * before the enforcer decided: at most {@link Enforcer#formBodyLimit()} bytes plus one, so that a body over the limit
 * is recognisable ({@link #length()} greater than the limit) without reading all of it. Immutable.
 *
 * <p>Fields are kept raw, exactly as sent: the enforcer's inspection decodes each name and value exactly once, as it
 * does query parameters. A byte outside US-ASCII that was sent unencoded is kept as its {@code %XX} escape, so it is
 * decoded (as UTF-8) together with the escaped ones.
 *
 * @since 0.1
 */
public final class FormBody {

  /** The media type this body is read for (RFC 9110 §8.3.1: type and subtype are case-insensitive). */
  public static final String MEDIA_TYPE = "application/x-www-form-urlencoded";

  private final byte[] bytes;
  private final int fieldCount;
  private volatile List<Field> fields; // parsed on first use: a form refused for its field count is never parsed

  /** One field as sent: name and value still percent-encoded, {@code +} not yet a space. */
  public record Field(String rawName, String rawValue) {

    /** The name decoded once (UTF-8, {@code +} as space; an invalid escape stays as it is). */
    public String name() {
      return decode(rawName);
    }

    /** The value decoded once (UTF-8, {@code +} as space; an invalid escape stays as it is). */
    public String value() {
      return decode(rawValue);
    }

    /**
     * The name decoded once in {@code charset} (the request's, for the application's view of the form, e.g. the
     * servlet parameters): the same decoder as {@link #name()}, only the bytes are read in another charset.
     *
     * @since 0.1
     */
    public String name(java.nio.charset.Charset charset) {
      return decode(rawName, charset);
    }

    /** The value decoded once in {@code charset}, as {@link #name(java.nio.charset.Charset)}. */
    public String value(java.nio.charset.Charset charset) {
      return decode(rawValue, charset);
    }
  }

  private FormBody(byte[] bytes) {
    this.bytes = bytes;
    this.fieldCount = count(bytes);
  }

  /** A form body of {@code bytes} (copied). */
  public static FormBody of(byte[] bytes) {
    return new FormBody(bytes.clone());
  }

  /**
   * Whether a {@code Content-Type} value names a URL-encoded form: {@value #MEDIA_TYPE}, in any letter case, with or
   * without parameters ({@code ; charset=UTF-8}). Anything else — {@code multipart/form-data}, JSON, none — is not
   * read by zt.
   */
  public static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase(MEDIA_TYPE);
  }

  /** How many bytes the adapter read (more than the enforcer's limit means the body was longer than it). */
  public int length() {
    return bytes.length;
  }

  /** The bytes as read (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The fields in order, raw; empty names and values are kept, empty pairs ({@code a=1&&b=2}) skipped. */
  public List<Field> fields() {
    List<Field> f = fields;
    if (f == null) {
      f = parse(bytes);
      fields = f;
    }
    return f;
  }

  /** How many fields {@link #fields()} has, counted without parsing them (one pass over the bytes). */
  public int fieldCount() {
    return fieldCount;
  }

  /** The first field named {@code name} (compared after decoding), decoded once. */
  public Optional<String> firstValue(String name) {
    for (Field f : fields()) {
      if (f.name().equals(name)) {
        return Optional.of(f.value());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "FormBody[" + bytes.length + " bytes, " + fieldCount + " fields]"; // never the values
  }

  /**
   * Why a form of this request cannot be inspected as the application will read it, or empty. Only charsets that
   * agree with ASCII on every byte below 0x80 and that the detector decodes itself (UTF-8, ISO-8859-1, US-ASCII) are
   * accepted: in UTF-16, UTF-7, EBCDIC or GBK the same bytes mean other characters to the application (GBK's
   * {@code %BF%27} swallows an escaping backslash), so an injection would pass unseen. A {@code Content-Encoding}
   * (e.g. gzip) would hide the fields altogether.
   */
  public static Optional<String> uninspectable(RequestHeaders headers) {
    List<String> types = headers.values("Content-Type");
    if (types.size() != 1) {
      return Optional.of(types.size() + " Content-Type fields");
    }
    for (String coding : headers.values("Content-Encoding")) {
      for (String c : coding.split(",")) {
        if (!c.isBlank() && !c.trim().equalsIgnoreCase("identity")) {
          return Optional.of("Content-Encoding " + printable(c.trim()));
        }
      }
    }
    String type = types.get(0);
    int semi = type.indexOf(';');
    while (semi >= 0) {
      int next = type.indexOf(';', semi + 1);
      String param = (next < 0 ? type.substring(semi + 1) : type.substring(semi + 1, next)).trim();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String charset = param.substring(eq + 1).trim();
        if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
          charset = charset.substring(1, charset.length() - 1);
        }
        switch (charset.toLowerCase(Locale.ROOT)) {
          case "utf-8", "utf8", "iso-8859-1", "latin1", "iso8859-1", "us-ascii", "ascii" -> { }
          default -> {
            return Optional.of("charset " + printable(charset));
          }
        }
      }
      semi = next;
    }
    return Optional.empty();
  }

  private static String printable(String s) {
    int n = Math.min(s.length(), 32);
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      out[i] = c >= 0x21 && c <= 0x7e ? c : '?';
    }
    return new String(out);
  }

  private static int count(byte[] bytes) {
    int n = 0;
    boolean inField = false;
    for (byte b : bytes) {
      if (b == '&') {
        inField = false;
      } else if (!inField) {
        inField = true;
        n++;
      }
    }
    return n;
  }

  private static List<Field> parse(byte[] bytes) {
    List<Field> out = new ArrayList<>();
    int start = 0;
    while (start <= bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '&') {
        end++;
      }
      if (end > start) {
        int eq = start;
        while (eq < end && bytes[eq] != '=') {
          eq++;
        }
        out.add(new Field(raw(bytes, start, eq), eq < end ? raw(bytes, eq + 1, end) : ""));
      }
      start = end + 1;
    }
    return List.copyOf(out);
  }

  /** The bytes as text, ASCII as is and every other byte as its {@code %XX} escape: nothing decoded yet. */
  private static String raw(byte[] b, int from, int to) {
    StringBuilder s = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        s.append((char) c);
      } else {
        s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return s.toString();
  }

  /** Decodes once: {@code +} is a space, {@code %XX} a byte, the bytes UTF-8; an invalid escape stays as it is. */
  static String decode(String raw) {
    return decode(raw, StandardCharsets.UTF_8);
  }

  /**
   * The one form-field decoder: {@code +} is a space, {@code %XX} a byte, an invalid escape stays as it is, and the
   * bytes are read in {@code charset}. A raw field holds every byte above US-ASCII as its escape, so this is the
   * WHATWG percent-decoding of the bytes as sent.
   */
  static String decode(String raw, java.nio.charset.Charset charset) {
    boolean asciiCompatible = charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
        || charset.equals(StandardCharsets.US_ASCII);
    if (asciiCompatible && raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw; // ASCII only (a raw field escapes every other byte): the same text in these charsets
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        out.write(' ');
      } else if (c == '%' && i + 2 < raw.length()
          && hexValue(raw.charAt(i + 1)) >= 0 && hexValue(raw.charAt(i + 2)) >= 0) {
        out.write(hexValue(raw.charAt(i + 1)) << 4 | hexValue(raw.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        int cp = raw.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
        i += Character.charCount(cp) - 1;
      }
    }
    return out.toString(charset);
  }
}
