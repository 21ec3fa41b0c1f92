package dev.zt.servlet;

import dev.zt.core.FormBody;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application's view of a URL-encoded form request whose body {@link ZeroTrustFilter} read for inspection: the
 * stream replays the bytes read (then whatever the container still holds, when the body was longer than the filter
 * read), the reader decodes them in the request's character encoding, and for {@code POST} the parameter methods
 * include the body's fields after the query's, as a container would (Servlet 6 §3.1).
 */
final class FormReplayRequest extends HttpServletRequestWrapper {

  private final byte[] head;
  private final boolean more;
  private ServletInputStream stream;
  private BufferedReader reader;
  private Map<String, String[]> parameters;

  FormReplayRequest(HttpServletRequest request, byte[] head, int limit) {
    super(request);
    this.head = head;
    this.more = head.length > limit;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (reader != null) {
      throw new IllegalStateException("getReader() was already called");
    }
    if (stream == null) {
      stream = new Replay(head, more ? super.getInputStream() : null);
    }
    return stream;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (reader == null) {
      if (stream != null) {
        throw new IllegalStateException("getInputStream() was already called");
      }
      reader = new BufferedReader(new InputStreamReader(new Replay(head, more ? super.getInputStream() : null),
          charset()));
    }
    return reader;
  }

  @Override
  public String getParameter(String name) {
    String[] values = parameters().get(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return parameters();
  }

  @Override
  public Enumeration<String> getParameterNames() {
    return Collections.enumeration(parameters().keySet());
  }

  @Override
  public String[] getParameterValues(String name) {
    String[] values = parameters().get(name);
    return values == null ? null : values.clone();
  }

  private Map<String, String[]> parameters() {
    if (parameters != null) {
      return parameters;
    }
    // the container's parameters hold the query's only: its stream was read by the filter, not by the parser
    Map<String, List<String>> merged = new LinkedHashMap<>();
    super.getParameterMap().forEach((k, v) -> merged.computeIfAbsent(k, x -> new ArrayList<>()).addAll(List.of(v)));
    if ("POST".equals(getMethod())) {
      Charset charset = charset();
      byte[] body = more && stream == null && reader == null ? all() : head;
      for (FormBody.Field f : FormBody.of(body).fields()) { // core's decoder, read in the request's charset
        merged.computeIfAbsent(f.name(charset), x -> new ArrayList<>()).add(f.value(charset));
      }
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    merged.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
    parameters = Collections.unmodifiableMap(out);
    return parameters;
  }

  /**
   * A body longer than the filter read (only when zt reads forms for a login identifier but does not inspect them):
   * the rest is read now, as the container's parser would have read it.
   */
  private byte[] all() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length * 2);
    out.writeBytes(head);
    try {
      out.writeBytes(super.getInputStream().readAllBytes());
    } catch (IOException e) {
      // as a container's parser does with a broken body: the parameters read so far
    }
    return out.toByteArray();
  }

  /** The request's encoding, else the context's request encoding, else UTF-8 (WHATWG URL Standard §5.1). */
  private Charset charset() {
    String name = getCharacterEncoding();
    if (name == null) {
      name = getServletContext().getRequestCharacterEncoding();
    }
    try {
      return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
    } catch (IllegalArgumentException unknown) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The bytes read, then the container's stream (if the body was longer than what was read). */
  private static final class Replay extends ServletInputStream {
    private final byte[] head;
    private final ServletInputStream rest;
    private int pos;

    Replay(byte[] head, ServletInputStream rest) {
      this.head = head;
      this.rest = rest;
    }

    @Override
    public int read() throws IOException {
      if (pos < head.length) {
        return head[pos++] & 0xff;
      }
      return rest == null ? -1 : rest.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos < head.length) {
        int n = Math.min(len, head.length - pos);
        System.arraycopy(head, pos, b, off, n);
        pos += n;
        return n;
      }
      return rest == null ? -1 : rest.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return head.length - pos + (rest == null ? 0 : rest.available());
    }

    @Override
    public boolean isFinished() {
      return pos >= head.length && (rest == null || rest.isFinished());
    }

    @Override
    public boolean isReady() {
      return pos < head.length || rest == null || rest.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      if (rest != null) {
        throw new IllegalStateException("non-blocking reads of a form body longer than zt read are not supported");
      }
      try {
        if (pos < head.length) {
          listener.onDataAvailable();
        }
        listener.onAllDataRead();
      } catch (IOException | RuntimeException e) {
        listener.onError(e);
      }
    }
  }
}
